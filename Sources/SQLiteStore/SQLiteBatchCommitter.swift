import GRDB
import Synchronization

/// Commits a batch of write jobs as one SQLite transaction on the writer connection, each body in its own
/// savepoint: a body that throws is rolled back alone, the others commit together with one fsync.
final class SQLiteBatchCommitter: Sendable {
    private let pool: DatabasePool
    /// The last timestamp handed to a body (µs since 1970), also by batches that rolled back.
    private let issuedTimestamp = Mutex<Int64>(.min)
    /// The integer keys, used and changed only on the writer queue.
    private let keys = SQLiteKeyCache()

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs every job's body, commits, and only then resumes the callers.
    func commit(_ jobs: [any GroupCommitJob]) async {
        do {
            // GRDB runs this on the writer's own dispatch queue; the draining task is suspended meanwhile.
            try await pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    let batch = try WriteBatch(db, issuedTimestamp: self.issuedTimestamp.withLock { $0 })
                    defer { self.issuedTimestamp.withLock { $0 = max($0, batch.lastTimestamp) } }
                    for job in jobs {
                        let transaction = SQLiteTransaction(db, batch: batch, keys: self.keys)
                        do {
                            try db.withSavepoint(.body) { try job.run(transaction) }
                        } catch {
                            // Keys the body created were rolled back with it.
                            self.keys.forget()
                            job.fail(error)
                            // An error that ended the whole SQLite transaction (disk full, I/O error) fails the
                            // batch: nothing of it is committed.
                            guard db.isInsideTransaction else { throw error }
                        }
                    }
                    return .commit
                }
            }
            for job in jobs { job.complete(batchError: nil) }
        } catch {
            keys.forget()
            for job in jobs { job.complete(batchError: error) }
        }
    }
}
