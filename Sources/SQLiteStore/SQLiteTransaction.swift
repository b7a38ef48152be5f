import Foundation
import GRDB
import Store

/// The ``StoreTransaction`` handed to one write body: it reads and writes on the writer connection, inside the
/// body's savepoint, and stops working once the body has returned.
final class SQLiteTransaction: StoreTransaction {
    private let db: Database
    private let batch: WriteBatch
    private let keys: SQLiteKeyCache
    private let timestampMicroseconds: Int64
    private var isOpen = true

    /// The instant every version this body writes carries as `last_updated`.
    let timestamp: Date

    init(_ db: Database, batch: WriteBatch, keys: SQLiteKeyCache) {
        self.db = db
        self.batch = batch
        self.keys = keys
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

    /// Checks the version, then points the lookup row at the new version (creating it, and the resource's
    /// `rid`, on first write), appends the version row and replaces the resource's index entries in every table
    /// (removing them for a deletion).
    func put(_ version: NewVersion) throws {
        try checkOpen()
        let current = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT rid, patient, version, deleted FROM resource WHERE type = ? AND id = ?"),
            arguments: [version.type, version.id])
        let currentVersion: Int = current?[2] ?? 0
        guard version.version == currentVersion + 1 else {
            throw StoreError.versionConflict(
                type: version.type, id: version.id, expected: currentVersion + 1, found: version.version)
        }
        let isDeletion = version.method == .delete
        let patient = try keys.patient(db, version.patientKey)
        // No savepoint per put: the body already runs in its own savepoint, and a put that throws fails the body
        // (FHIRStore contract), which rolls all of it back. A savepoint per put made large transactions quadratic:
        // releasing one walks the in-memory sub-journal, which holds every page the body has touched so far.
        let rid: Int64
        if let current {
            rid = current[0]
            var update = try DirectStatement(db, sql: "UPDATE resource SET patient = ?, version = ?, deleted = ? WHERE rid = ?")
            update.bind(patient); update.bind(version.version); update.bind(isDeletion); update.bind(rid)
            try update.execute()
        } else {
            var insert = try DirectStatement(db, sql: """
                INSERT INTO resource (type, id, patient, version, deleted) VALUES (?, ?, ?, ?, ?)
                """)
            insert.bind(version.type); insert.bind(version.id); insert.bind(patient)
            insert.bind(version.version); insert.bind(isDeletion)
            try insert.execute()
            rid = db.lastInsertedRowID
        }
        // Empty content binds as a zero-length blob, the content of a deletion.
        var insertVersion = try DirectStatement(db, sql: """
            INSERT INTO resource_version (patient, rid, version, type, seq, last_updated, method, content)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertVersion.bind(patient); insertVersion.bind(rid); insertVersion.bind(version.version)
        insertVersion.bind(version.type); insertVersion.bind(batch.nextSequenceNumber())
        insertVersion.bind(timestampMicroseconds); insertVersion.bind(version.method.rawValue)
        insertVersion.bind(blob: version.content)
        try insertVersion.execute()
        if let current, !(current[3] as Bool) {
            // The previous entries live under the previous patient, which may differ from the new one.
            try SQLiteIndexWriter.delete(db, patient: current[1], rid: rid)
        }
        if !isDeletion {
            try SQLiteIndexWriter.insert(
                db, keys: keys, patient: patient, rid: rid, type: version.type, entries: version.index)
        }
    }

    /// Replaces the index entries of the current version of `type/id` (no new version); does nothing when the
    /// resource is absent or deleted (it has no entries to replace).
    func replaceIndex(type: String, id: String, index: [IndexEntry]) throws {
        try checkOpen()
        let current = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT rid, patient, deleted FROM resource WHERE type = ? AND id = ?"),
            arguments: [type, id])
        guard let current, !(current[2] as Bool) else { return }
        let rid: Int64 = current[0]
        let patient: Int64 = current[1]
        try SQLiteIndexWriter.delete(db, patient: patient, rid: rid)
        try SQLiteIndexWriter.insert(db, keys: keys, patient: patient, rid: rid, type: type, entries: index)
    }

    private func checkOpen() throws {
        guard isOpen else { throw StoreError.unavailable("the write transaction has ended") }
    }
}
