import Foundation
import GRDB
import Store

/// The ``StoreTransaction`` handed to one write body: it reads and writes on the writer connection, inside the
/// body's savepoint, and stops working once the body has returned.
final class SQLiteTransaction: StoreTransaction {
    private let db: Database
    private let batch: WriteBatch
    private let timestampMicroseconds: Int64
    private var isOpen = true

    /// The instant every version this body writes carries as `last_updated`.
    let timestamp: Date

    init(_ db: Database, batch: WriteBatch) {
        self.db = db
        self.batch = batch
        timestampMicroseconds = batch.nextTimestamp()
        timestamp = Date(microsecondsSince1970: timestampMicroseconds)
    }

    /// Called when the body has returned: a transaction that escaped its body must not write.
    func end() { isOpen = false }

    func read(type: String, id: String) throws -> StoredResource? {
        try checkOpen()
        return try SQLiteQueries.read(db, type: type, id: id)
    }

    func search(_ query: SearchQuery) throws -> [StoredResource] {
        try checkOpen()
        return try SQLiteQueries.search(db, query)
    }

    /// Checks the version, then appends the version row, points the lookup row at it and
    /// replaces the resource's token entries (removing them for a deletion).
    func put(_ version: NewVersion) throws {
        try checkOpen()
        let current = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT patient_key, version, deleted FROM resource WHERE type = ? AND id = ?"),
            arguments: [version.type, version.id])
        let currentVersion: Int = current?[1] ?? 0
        guard version.version == currentVersion + 1 else {
            throw StoreError.versionConflict(
                type: version.type, id: version.id, expected: currentVersion + 1, found: version.version)
        }
        let isDeletion = version.method == .delete
        // No savepoint per put: the body already runs in its own savepoint, and a put that throws fails the body
        // (FHIRStore contract), which rolls all of it back. A savepoint per put made large transactions quadratic:
        // releasing one walks the in-memory sub-journal, which holds every page the body has touched so far.
        // Empty content binds as NULL; `coalesce` stores the empty blob a deletion has.
        try db.cachedStatement(sql: """
            INSERT INTO resource_version (patient_key, type, id, version, seq, last_updated, method, content)
            VALUES (?, ?, ?, ?, ?, ?, ?, coalesce(?, x''))
            """).execute(arguments: [
                version.patientKey, version.type, version.id, version.version, batch.nextSequenceNumber(),
                timestampMicroseconds, version.method.rawValue, Data(version.content),
            ])
        try db.cachedStatement(sql: """
            INSERT INTO resource (type, id, patient_key, version, deleted) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (type, id) DO UPDATE
            SET patient_key = excluded.patient_key, version = excluded.version, deleted = excluded.deleted
            """).execute(arguments: [version.type, version.id, version.patientKey, version.version, isDeletion])
        if let current, !(current[2] as Bool) {
            let previousKey: String = current[0]
            try db.cachedStatement(sql: "DELETE FROM token_index WHERE patient_key = ? AND type = ? AND id = ?")
                .execute(arguments: [previousKey, version.type, version.id])
        }
        if !isDeletion {
            try insertTokens(of: version)
        }
    }

    private func insertTokens(of version: NewVersion) throws {
        var seen = Set<TokenRow>()
        let statement = try db.cachedStatement(sql: """
            INSERT INTO token_index (patient_key, type, id, param, system, code) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for entry in version.index {
            switch entry.value {
            case .token(let system, let code):
                let param = entry.param
                // A missing system is stored as ''; the same entry listed twice is stored once.
                let row = TokenRow(param: param, system: system ?? "", code: code)
                guard seen.insert(row).inserted else { continue }
                try statement.execute(arguments: [
                    version.patientKey, version.type, version.id, row.param, row.system, row.code,
                ])
            default:
                continue
            }
        }
    }

    private func checkOpen() throws {
        guard isOpen else { throw StoreError.unavailable("the write transaction has ended") }
    }

    private struct TokenRow: Hashable {
        var param: String
        var system: String
        var code: String
    }
}
