import Audit
import FHIRCore
import Foundation
import GRDB
import Synchronization

extension SQLiteAuditLog {
    /// Commits batches of appends on the writer connection, keeps the head of the chain, and keeps the patient and
    /// entity lookups (in the attached lookup file) up to date with the events.
    final class Writer: Sendable {
        private let pool: DatabasePool
        /// The hash of the last committed event; changed only by ``commit(_:)``, which never runs concurrently.
        private let head: Mutex<[UInt8]>
        /// The last event whose lookups are written (`audit_lookup_state.indexed_seq` as this writer last wrote it).
        private let indexed: Mutex<Int64>
        private let commits = Mutex(0)

        init(pool: DatabasePool, head: [UInt8], indexed: Int64) {
            self.pool = pool
            self.head = Mutex(head)
            self.indexed = Mutex(indexed)
        }

        /// The transactions committed so far.
        var commitCount: Int { commits.withLock { $0 } }

        /// Writes `batch` in one durable transaction, writes the lookups of its events in a second one (no fsync:
        /// they are rebuilt from the events if lost), then resumes every caller: after the COMMIT for those
        /// committed, with their error for the others. Searches that follow an append therefore find it. The batch
        /// is first written whole; only when that fails is it written again with each append in a savepoint, so
        /// that one bad append (a duplicate id) is rolled back alone.
        func commit(_ batch: [AuditCommitQueue.Append]) async {
            let start = head.withLock { $0 }
            let outcome: Result<([UInt8], [(any Error)?]), any Error>
            do {
                let value = try await pool.writeWithoutTransaction { [self] db -> ([UInt8], [(any Error)?]) in
                    var written: [(Int64, AuditEventKeys)] = []
                    let result: ([UInt8], [(any Error)?])
                    if let last = try? Self.writeWhole(db, batch, after: start, into: &written) {
                        result = (last, Array(repeating: nil, count: batch.count))
                    } else {
                        written = []
                        result = try Self.writeIsolated(db, batch, after: start, into: &written)
                    }
                    self.indexed.withLock { $0 = Self.writeLookups(db, written, indexedThrough: $0) }
                    return result
                }
                outcome = .success(value)
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let (last, errors)):
                head.withLock { $0 = last }
                commits.withLock { $0 += 1 }
                for (append, error) in zip(batch, errors) {
                    if let error { append.continuation.resume(throwing: Self.appendError(error)) } else { append.continuation.resume() }
                }
            case .failure(let error):
                for append in batch { append.continuation.resume(throwing: Self.appendError(error)) }
            }
        }

        /// Every append of the batch in one transaction; returns the new head. Any error rolls it all back.
        private static func writeWhole(_ db: Database, _ batch: [AuditCommitQueue.Append], after start: [UInt8],
                                       into written: inout [(Int64, AuditEventKeys)]) throws -> [UInt8] {
            var last = start
            var inserted: [(Int64, AuditEventKeys)] = []
            try db.inTransaction(.immediate) {
                for append in batch {
                    for event in append.events {
                        last = try insert(db, event, after: last)
                        inserted.append((db.lastInsertedRowID, event.keys))
                    }
                }
                return .commit
            }
            written = inserted
            return last
        }

        /// Each append of the batch in its own savepoint of one transaction; returns the new head and each
        /// append's error (nil when committed).
        private static func writeIsolated(_ db: Database, _ batch: [AuditCommitQueue.Append], after start: [UInt8],
                                          into written: inout [(Int64, AuditEventKeys)]) throws -> ([UInt8], [(any Error)?]) {
            var last = start
            var errors: [(any Error)?] = []
            var inserted: [(Int64, AuditEventKeys)] = []
            try db.inTransaction(.immediate) {
                for append in batch {
                    var appendLast = last
                    var appendInserted: [(Int64, AuditEventKeys)] = []
                    do {
                        try db.inSavepoint {
                            for event in append.events {
                                appendLast = try insert(db, event, after: appendLast)
                                appendInserted.append((db.lastInsertedRowID, event.keys))
                            }
                            return .commit
                        }
                        last = appendLast
                        inserted += appendInserted
                        errors.append(nil)
                    } catch {
                        // An error that ended the whole transaction (disk full, I/O) fails the batch.
                        guard db.isInsideTransaction else { throw error }
                        errors.append(error)
                    }
                }
                return .commit
            }
            written = inserted
            return (last, errors)
        }

        /// Inserts one event chained after `previous`; returns its hash.
        private static func insert(_ db: Database, _ event: PreparedAuditEvent, after previous: [UInt8]) throws -> [UInt8] {
            let hash = AuditHashChain.hash(previous: previous, bytes: event.bytes)
            let keys = event.keys
            try db.cachedStatement(sql: """
                INSERT INTO audit_event (id, recorded, agent, role, organization, emergency, type, subtype, action,
                                         outcome, json, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    keys.id, keys.recordedMicroseconds, keys.agent, keys.role, keys.organization, keys.isEmergency,
                    keys.type, keys.subtypes, keys.action, keys.outcome, Data(event.bytes), Data(previous), Data(hash),
                ])
            return hash
        }

        /// Writes the lookups of events just committed, or, when the lookups are behind (a failed lookup
        /// transaction, a crash between the two transactions), catches up from the events themselves. Returns the
        /// last event indexed. A failure leaves the lookups behind, to be caught up by the next commit or the next
        /// open; the events, already durable, are not affected.
        static func writeLookups(_ db: Database, _ written: [(Int64, AuditEventKeys)], indexedThrough: Int64) -> Int64 {
            guard let first = written.first, let last = written.last else { return indexedThrough }
            guard first.0 == indexedThrough + 1 else { return (try? catchUpLookups(db)) ?? indexedThrough }
            do {
                try db.inTransaction(.immediate) {
                    for (seq, keys) in written { try insertLookups(db, seq: seq, keys: keys) }
                    try db.execute(sql: "UPDATE lookup.audit_lookup_state SET indexed_seq = ?", arguments: [last.0])
                    return .commit
                }
                return last.0
            } catch {
                return indexedThrough
            }
        }

        /// Writes the lookups of every event after `audit_lookup_state.indexed_seq`, in transactions of a few
        /// thousand events; returns the last event indexed. An event whose JSON does not read as an AuditEvent
        /// gets no lookups (``SQLiteAuditLog/verify()`` reports it).
        static func catchUpLookups(_ db: Database) throws -> Int64 {
            var indexed = try Int64.fetchOne(db, sql: "SELECT indexed_seq FROM lookup.audit_lookup_state") ?? 0
            while true {
                let rows = try Row.fetchAll(db, sql: "SELECT seq, json FROM audit_event WHERE seq > ? ORDER BY seq LIMIT 2000",
                                            arguments: [indexed])
                guard let last: Int64 = rows.last?["seq"] else { return indexed }
                try db.inTransaction(.immediate) {
                    for row in rows {
                        guard let event = try? JSON.parse([UInt8](row["json"] as Data)), let keys = AuditEventKeys(event: event) else { continue }
                        try insertLookups(db, seq: row["seq"], keys: keys)
                    }
                    try db.execute(sql: "UPDATE lookup.audit_lookup_state SET indexed_seq = ?", arguments: [last])
                    return .commit
                }
                indexed = last
            }
        }

        private static func insertLookups(_ db: Database, seq: Int64, keys: AuditEventKeys) throws {
            if !keys.patientIDs.isEmpty {
                let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO lookup.audit_patient (patient_id, seq) VALUES (?, ?)")
                for patient in keys.patientIDs { try statement.execute(arguments: [patient, seq]) }
            }
            if !keys.entityReferences.isEmpty {
                let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO lookup.audit_entity (reference, seq) VALUES (?, ?)")
                for reference in keys.entityReferences { try statement.execute(arguments: [reference, seq]) }
            }
        }

        private static func appendError(_ error: any Error) -> any Error {
            if error is AuditLogError { return error }
            if let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT {
                return AuditLogError(.invalidRecord, "the audit database refused the record: \(error.message ?? "\(error)")")
            }
            return AuditLogError(.unavailable, "the audit record could not be committed: \(error)")
        }
    }
}
