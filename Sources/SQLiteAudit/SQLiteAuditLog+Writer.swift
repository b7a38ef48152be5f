import Audit
import Foundation
import GRDB
import Synchronization

extension SQLiteAuditLog {
    /// Commits batches of appends on the writer connection and keeps the head of the chain.
    final class Writer: Sendable {
        private let pool: DatabasePool
        /// The hash of the last committed event; changed only by ``commit(_:)``, which never runs concurrently.
        private let head: Mutex<[UInt8]>
        private let commits = Mutex(0)

        init(pool: DatabasePool, head: [UInt8]) {
            self.pool = pool
            self.head = Mutex(head)
        }

        /// The transactions committed so far.
        var commitCount: Int { commits.withLock { $0 } }

        /// Writes `batch` in one transaction, then resumes every caller: after the COMMIT (and its fsync) for those
        /// committed, with their error for the others. The batch is first written whole; only when that fails is
        /// it written again with each append in a savepoint, so that one bad append (a duplicate id) is rolled
        /// back alone.
        func commit(_ batch: [AuditCommitQueue.Append]) async {
            let start = head.withLock { $0 }
            let outcome: Result<([UInt8], [(any Error)?]), any Error>
            do {
                let value = try await pool.writeWithoutTransaction { db -> ([UInt8], [(any Error)?]) in
                    if let last = try? Self.writeWhole(db, batch, after: start) {
                        return (last, Array(repeating: nil, count: batch.count))
                    }
                    return try Self.writeIsolated(db, batch, after: start)
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
        private static func writeWhole(_ db: Database, _ batch: [AuditCommitQueue.Append], after start: [UInt8]) throws -> [UInt8] {
            var last = start
            try db.inTransaction(.immediate) {
                for append in batch {
                    for event in append.events { last = try insert(db, event, after: last) }
                }
                return .commit
            }
            return last
        }

        /// Each append of the batch in its own savepoint of one transaction; returns the new head and each
        /// append's error (nil when committed).
        private static func writeIsolated(_ db: Database, _ batch: [AuditCommitQueue.Append], after start: [UInt8]) throws -> ([UInt8], [(any Error)?]) {
            var last = start
            var errors: [(any Error)?] = []
            try db.inTransaction(.immediate) {
                for append in batch {
                    var appendLast = last
                    do {
                        try db.inSavepoint {
                            for event in append.events { appendLast = try insert(db, event, after: appendLast) }
                            return .commit
                        }
                        last = appendLast
                        errors.append(nil)
                    } catch {
                        // An error that ended the whole transaction (disk full, I/O) fails the batch.
                        guard db.isInsideTransaction else { throw error }
                        errors.append(error)
                    }
                }
                return .commit
            }
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
            let seq = db.lastInsertedRowID
            if !keys.patientIDs.isEmpty {
                let statement = try db.cachedStatement(sql: "INSERT INTO audit_patient (patient_id, seq) VALUES (?, ?)")
                for patient in keys.patientIDs { try statement.execute(arguments: [patient, seq]) }
            }
            if !keys.entityReferences.isEmpty {
                let statement = try db.cachedStatement(sql: "INSERT INTO audit_entity (reference, seq) VALUES (?, ?)")
                for reference in keys.entityReferences { try statement.execute(arguments: [reference, seq]) }
            }
            return hash
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
