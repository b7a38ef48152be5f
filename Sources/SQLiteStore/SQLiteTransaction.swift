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
        return try SQLiteQueries.search(db, query).resources
    }

    /// Checks the version, then appends the version row, points the lookup row at it and
    /// replaces the resource's index entries in every table (removing them for a deletion).
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
        // Empty content binds as a zero-length blob, the content of a deletion.
        var insertVersion = try DirectStatement(db, sql: """
            INSERT INTO resource_version (patient_key, type, id, version, seq, last_updated, method, content)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertVersion.bind(version.patientKey); insertVersion.bind(version.type); insertVersion.bind(version.id)
        insertVersion.bind(version.version); insertVersion.bind(batch.nextSequenceNumber())
        insertVersion.bind(timestampMicroseconds); insertVersion.bind(version.method.rawValue)
        insertVersion.bind(blob: version.content)
        try insertVersion.execute()
        var upsert = try DirectStatement(db, sql: """
            INSERT INTO resource (type, id, patient_key, version, deleted) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (type, id) DO UPDATE
            SET patient_key = excluded.patient_key, version = excluded.version, deleted = excluded.deleted
            """)
        upsert.bind(version.type); upsert.bind(version.id); upsert.bind(version.patientKey)
        upsert.bind(version.version); upsert.bind(isDeletion)
        try upsert.execute()
        if let current, !(current[2] as Bool) {
            // The previous entries live under the previous key, which may differ from the new one.
            try SQLiteIndexWriter.delete(db, patientKey: current[0], type: version.type, id: version.id)
        }
        if !isDeletion {
            try SQLiteIndexWriter.insert(
                db, patientKey: version.patientKey, type: version.type, id: version.id, entries: version.index)
        }
    }

    /// Replaces the index entries of the current version of `type/id` (no new version); does nothing when the
    /// resource is absent or deleted (it has no entries to replace).
    func replaceIndex(type: String, id: String, index: [IndexEntry]) throws {
        try checkOpen()
        let current = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT patient_key, deleted FROM resource WHERE type = ? AND id = ?"),
            arguments: [type, id])
        guard let current, !(current[1] as Bool) else { return }
        let patientKey: String = current[0]
        try SQLiteIndexWriter.delete(db, patientKey: patientKey, type: type, id: id)
        try SQLiteIndexWriter.insert(db, patientKey: patientKey, type: type, id: id, entries: index)
    }

    private func checkOpen() throws {
        guard isOpen else { throw StoreError.unavailable("the write transaction has ended") }
    }
}
