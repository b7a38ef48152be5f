import GRDB
import Store

/// Writes and removes a resource's search index entries, one table per kind of value (see ``SQLiteSchema``).
/// Entries are stored as given: the store never looks into resources. The same entry listed twice is stored once
/// (`ON CONFLICT DO NOTHING` on the primary key; other constraint violations still fail).
enum SQLiteIndexWriter {
    /// Every index table; each has a primary key leading with `(patient_key, type, id)`.
    static let tables = [
        "token_index", "string_index", "date_index", "number_index", "quantity_index", "reference_index",
        "uri_index", "composite_index",
    ]

    /// The `token_index` parameter under which a modifier's entries of `param` are stored (`code:text`).
    static func tokenParam(_ param: String, modifier: String) -> String { param + ":" + modifier }

    /// Separates the type code from the value in `:of-type` entries (a control character no code contains).
    static let ofTypeSeparator = "\u{1F}"

    /// Removes every entry of `type/id` stored under `patientKey`: one primary-key range delete per table.
    static func delete(_ db: Database, patientKey: String, type: String, id: String) throws {
        for table in tables {
            try db.cachedStatement(sql: "DELETE FROM \(table) WHERE patient_key = ? AND type = ? AND id = ?")
                .execute(arguments: [patientKey, type, id])
        }
    }

    /// Inserts `entries` for `type/id` under `patientKey`.
    static func insert(_ db: Database, patientKey: String, type: String, id: String, entries: [IndexEntry]) throws {
        var occurrences: [String: Int] = [:]
        for entry in entries {
            let param = entry.param
            switch entry.value {
            case .token(let system, let code):
                try token(db, patientKey, type, id, param, system ?? "", code)
            case .tokenText(let text):
                try token(db, patientKey, type, id, tokenParam(param, modifier: "text"), "", text)
            case .identifierOfType(let typeSystem, let typeCode, let value):
                try token(db, patientKey, type, id, tokenParam(param, modifier: "of-type"), typeSystem ?? "",
                          typeCode + ofTypeSeparator + value)
            case .referenceIdentifier(let system, let value):
                try token(db, patientKey, type, id, tokenParam(param, modifier: "identifier"), system ?? "", value)
            case .string(let normalized, let exact):
                try db.cachedStatement(sql: """
                    INSERT INTO string_index (patient_key, type, id, param, normalized, exact) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """).execute(arguments: [patientKey, type, id, param, normalized, exact])
            case .date(let range):
                try db.cachedStatement(sql: """
                    INSERT INTO date_index (patient_key, type, id, param, low, high) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """).execute(arguments: [patientKey, type, id, param, range.low, range.high])
            case .number(let number):
                try db.cachedStatement(sql: """
                    INSERT INTO number_index (patient_key, type, id, param, value, low, high) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """).execute(arguments: [patientKey, type, id, param, number.value, number.low, number.high])
            case .quantity(let quantity):
                try db.cachedStatement(sql: """
                    INSERT INTO quantity_index (patient_key, type, id, param, system, code, unit, value, low, high, canonical)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """).execute(arguments: [
                        patientKey, type, id, param, quantity.system ?? "", quantity.code ?? "", quantity.unit ?? "",
                        quantity.number.value, quantity.number.low, quantity.number.high, quantity.canonical,
                    ])
            case .reference(let reference):
                try db.cachedStatement(sql: """
                    INSERT INTO reference_index (patient_key, type, id, param, target_type, target_id, url, target_version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """).execute(arguments: [
                        patientKey, type, id, param, reference.type ?? "", reference.id ?? "", reference.url ?? "",
                        reference.version ?? "",
                    ])
            case .uri(let uri):
                try db.cachedStatement(sql: """
                    INSERT INTO uri_index (patient_key, type, id, param, uri) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """).execute(arguments: [patientKey, type, id, param, uri])
            case .composite(let components):
                let occurrence = occurrences[param, default: 0]
                occurrences[param] = occurrence + 1
                let statement = try db.cachedStatement(sql: """
                    INSERT INTO composite_index (patient_key, type, id, param, occurrence, component, s1, s2, s3, s4, n1, n2, n3)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for (component, value) in components.enumerated() {
                    let c = compositeColumns(value)
                    try statement.execute(arguments: [
                        patientKey, type, id, param, occurrence, component, c.s1, c.s2, c.s3, c.s4, c.n1, c.n2, c.n3,
                    ])
                }
            }
        }
    }

    private static func token(
        _ db: Database, _ patientKey: String, _ type: String, _ id: String, _ param: String, _ system: String,
        _ code: String
    ) throws {
        try db.cachedStatement(sql: """
            INSERT INTO token_index (patient_key, type, id, param, system, code) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """).execute(arguments: [patientKey, type, id, param, system, code])
    }

    /// The generic columns of one composite component (the mapping documented in ``SQLiteSchema``).
    struct CompositeColumns {
        var s1 = "", s2 = "", s3 = "", s4 = ""
        var n1: (any DatabaseValueConvertible)? = nil
        var n2: (any DatabaseValueConvertible)? = nil
        var n3: (any DatabaseValueConvertible)? = nil
    }

    static func compositeColumns(_ value: IndexValue) -> CompositeColumns {
        var c = CompositeColumns()
        switch value {
        case .token(let system, let code): c.s1 = system ?? ""; c.s2 = code
        case .tokenText(let text): c.s2 = text
        case .identifierOfType(let typeSystem, let typeCode, let value):
            c.s1 = typeSystem ?? ""; c.s2 = typeCode + ofTypeSeparator + value
        case .referenceIdentifier(let system, let value): c.s1 = system ?? ""; c.s2 = value
        case .string(let normalized, let exact): c.s1 = normalized; c.s2 = exact
        case .date(let range): c.n1 = range.low; c.n2 = range.high
        case .number(let number): c.n1 = number.value; c.n2 = number.low; c.n3 = number.high
        case .quantity(let quantity):
            c.s1 = quantity.system ?? ""; c.s2 = quantity.code ?? ""; c.s3 = quantity.unit ?? ""
            c.s4 = quantity.canonical ? "1" : ""
            c.n1 = quantity.number.value; c.n2 = quantity.number.low; c.n3 = quantity.number.high
        case .reference(let reference):
            c.s1 = reference.type ?? ""; c.s2 = reference.id ?? ""; c.s3 = reference.url ?? ""
            c.s4 = reference.version ?? ""
        case .uri(let uri): c.s1 = uri
        case .composite: break // a composite inside a composite does not occur in R4; stored empty
        }
        return c
    }
}
