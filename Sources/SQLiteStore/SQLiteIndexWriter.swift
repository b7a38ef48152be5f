import GRDB
import Store

/// Writes and removes a resource's search index entries, one table per kind of value (see ``SQLiteSchema``).
/// Entries are stored as given: the store never looks into resources. The same entry listed twice is stored once
/// (`ON CONFLICT DO NOTHING` on the primary key; other constraint violations still fail).
enum SQLiteIndexWriter {
    /// Every index table; each has a primary key leading with `(patient, rid, param)`.
    static let tables = [
        "token_index", "string_index", "date_index", "number_index", "quantity_index", "reference_index",
        "uri_index", "composite_index",
    ]

    /// The `token_index` parameter under which a modifier's entries of `param` are stored (`code:text`).
    static func tokenParam(_ param: String, modifier: String) -> String { param + ":" + modifier }

    /// Separates the type code from the value in `:of-type` entries (a control character no code contains).
    static let ofTypeSeparator = "\u{1F}"

    /// Removes every entry of the resource `rid` stored under `patient`: one primary-key range delete per table.
    static func delete(_ db: Database, patient: Int64, rid: Int64) throws {
        for table in tables {
            var statement = try DirectStatement(db, sql: "DELETE FROM \(table) WHERE patient = ? AND rid = ?")
            statement.bind(patient); statement.bind(rid)
            try statement.execute()
        }
    }

    /// Inserts `entries` of the resource `rid` (of `type`) under `patient`, each parameter under its integer key
    /// for `type` (from `keys`). Each table's statement is taken from the cache once per call and its values bound
    /// directly (``DirectStatement``): a resource has ~20 entries and an import writes millions.
    static func insert(
        _ db: Database, keys: SQLiteKeyCache, patient: Int64, rid: Int64, type: String, entries: [IndexEntry]
    ) throws {
        var statements = Statements(db, keys: keys, patient: patient, rid: rid, type: type)
        var occurrences: [String: Int] = [:]
        for entry in entries {
            let param = entry.param
            switch entry.value {
            case .token(let system, let code):
                try statements.token(param, system ?? "", code)
            case .tokenText(let text):
                try statements.token(tokenParam(param, modifier: "text"), "", text)
            case .identifierOfType(let typeSystem, let typeCode, let value):
                try statements.token(tokenParam(param, modifier: "of-type"), typeSystem ?? "",
                                     typeCode + ofTypeSeparator + value)
            case .referenceIdentifier(let system, let value):
                try statements.token(tokenParam(param, modifier: "identifier"), system ?? "", value)
            case .string(let normalized, let exact):
                try statements.run(.string, param) { s in
                    s.bind(normalized); s.bind(exact)
                }
            case .date(let range):
                try statements.run(.date, param) { s in
                    s.bind(range.low); s.bind(range.high)
                }
            case .number(let number):
                try statements.run(.number, param) { s in
                    s.bind(number.value); s.bind(number.low); s.bind(number.high)
                }
            case .quantity(let quantity):
                try statements.run(.quantity, param) { s in
                    s.bind(quantity.system ?? ""); s.bind(quantity.code ?? ""); s.bind(quantity.unit ?? "")
                    s.bind(quantity.number.value); s.bind(quantity.number.low); s.bind(quantity.number.high)
                    s.bind(quantity.canonical)
                }
            case .reference(let reference):
                try statements.run(.reference, param) { s in
                    s.bind(reference.type ?? ""); s.bind(reference.id ?? ""); s.bind(reference.url ?? "")
                    s.bind(reference.version ?? "")
                }
            case .uri(let uri):
                try statements.run(.uri, param) { s in s.bind(uri) }
            case .composite(let components):
                let occurrence = occurrences[param, default: 0]
                occurrences[param] = occurrence + 1
                for (component, value) in components.enumerated() {
                    let c = compositeColumns(value)
                    try statements.run(.composite, param) { s in
                        s.bind(occurrence); s.bind(component)
                        s.bind(c.s1); s.bind(c.s2); s.bind(c.s3); s.bind(c.s4)
                        s.bind(any: c.n1); s.bind(any: c.n2); s.bind(any: c.n3)
                    }
                }
            }
        }
    }

    /// The insert statement of each table, prepared on first use within one ``insert(_:keys:patient:rid:type:entries:)``.
    private struct Statements {
        enum Table: Int, CaseIterable {
            case token, string, date, number, quantity, reference, uri, composite

            /// The insert; its first three parameters are always `patient, rid, param`.
            var sql: String {
                switch self {
                case .token: """
                    INSERT INTO token_index (patient, rid, param, system, code) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """
                case .string: """
                    INSERT INTO string_index (patient, rid, param, normalized, exact) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """
                case .date: """
                    INSERT INTO date_index (patient, rid, param, low, high) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """
                case .number: """
                    INSERT INTO number_index (patient, rid, param, value, low, high) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """
                case .quantity: """
                    INSERT INTO quantity_index (patient, rid, param, system, code, unit, value, low, high, canonical)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """
                case .reference: """
                    INSERT INTO reference_index (patient, rid, param, target_type, target_id, url, target_version)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """
                case .uri: """
                    INSERT INTO uri_index (patient, rid, param, uri) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """
                case .composite: """
                    INSERT INTO composite_index (patient, rid, param, occurrence, component, s1, s2, s3, s4, n1, n2, n3)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
                }
            }
        }

        private let db: Database
        private let keys: SQLiteKeyCache
        private let patient: Int64
        private let rid: Int64
        private let type: String
        private var prepared: [DirectStatement?] = Array(repeating: nil, count: Table.allCases.count)
        /// The last parameter looked up: a resource's entries come grouped by parameter.
        private var lastParam: (code: String, key: Int64)?

        init(_ db: Database, keys: SQLiteKeyCache, patient: Int64, rid: Int64, type: String) {
            self.db = db; self.keys = keys; self.patient = patient; self.rid = rid; self.type = type
        }

        /// Binds the row's key and the parameter's integer, then `values`, and inserts.
        mutating func run(_ table: Table, _ param: String, _ values: (inout DirectStatement) -> Void) throws {
            let paramKey: Int64
            if let lastParam, lastParam.code == param {
                paramKey = lastParam.key
            } else {
                paramKey = try keys.param(db, type: type, code: param)
                lastParam = (param, paramKey)
            }
            var statement = try prepared[table.rawValue] ?? DirectStatement(db, sql: table.sql)
            statement.bind(patient); statement.bind(rid); statement.bind(paramKey)
            values(&statement)
            try statement.execute()
            prepared[table.rawValue] = statement
        }

        mutating func token(_ param: String, _ system: String, _ code: String) throws {
            try run(.token, param) { s in s.bind(system); s.bind(code) }
        }
    }

    /// The generic columns of one composite component (the mapping documented in ``SQLiteSchema``).
    struct CompositeColumns {
        var s1 = "", s2 = "", s3 = "", s4 = ""
        var n1: DirectValue? = nil
        var n2: DirectValue? = nil
        var n3: DirectValue? = nil
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
        case .date(let range): c.n1 = .integer(range.low); c.n2 = .integer(range.high)
        case .number(let number): c.n1 = .real(number.value); c.n2 = .real(number.low); c.n3 = .real(number.high)
        case .quantity(let quantity):
            c.s1 = quantity.system ?? ""; c.s2 = quantity.code ?? ""; c.s3 = quantity.unit ?? ""
            c.s4 = quantity.canonical ? "1" : ""
            c.n1 = .real(quantity.number.value); c.n2 = .real(quantity.number.low); c.n3 = .real(quantity.number.high)
        case .reference(let reference):
            c.s1 = reference.type ?? ""; c.s2 = reference.id ?? ""; c.s3 = reference.url ?? ""
            c.s4 = reference.version ?? ""
        case .uri(let uri): c.s1 = uri
        case .composite: break // a composite inside a composite does not occur in R4; stored empty
        }
        return c
    }
}
