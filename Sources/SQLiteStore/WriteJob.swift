import Store
import Synchronization

/// One caller's write body waiting in the group commit queue, type-erased so bodies of different result types
/// share a batch.
protocol GroupCommitJob: Sendable {
    /// Runs the body on the writer connection and keeps its outcome (a thrown error is kept and rethrown).
    func run(_ transaction: SQLiteTransaction) throws
    /// Records that the body's changes were rolled back because of `error` (after the body itself succeeded,
    /// e.g. its savepoint could not be released).
    func fail(_ error: any Error)
    /// Resumes the caller once the batch is over: with the body's error if it failed, else with `batchError`
    /// if the commit failed, else with the body's result.
    func complete(batchError: (any Error)?)
}

/// A ``GroupCommitJob`` whose body returns `T`.
final class WriteJob<T: Sendable>: GroupCommitJob {
    private let body: @Sendable (any StoreTransaction) throws -> T
    private let continuation: CheckedContinuation<T, any Error>
    /// Set on the writer queue, read after the batch: the lock orders the two.
    private let outcome = Mutex<Result<T, any Error>?>(nil)

    init(body: @escaping @Sendable (any StoreTransaction) throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.body = body
        self.continuation = continuation
    }

    func run(_ transaction: SQLiteTransaction) throws {
        defer { transaction.end() }
        do {
            let value = try body(transaction)
            outcome.withLock { $0 = .success(value) }
        } catch {
            outcome.withLock { $0 = .failure(error) }
            throw error
        }
    }

    func fail(_ error: any Error) {
        outcome.withLock { outcome in
            if case .failure = outcome { return }
            outcome = .failure(error)
        }
    }

    func complete(batchError: (any Error)?) {
        switch (outcome.withLock { $0 }, batchError) {
        case (.failure(let error)?, _):
            continuation.resume(throwing: error)
        case (.success(let value)?, nil):
            continuation.resume(returning: value)
        case (_, let error?):
            continuation.resume(throwing: error)
        case (nil, nil):
            continuation.resume(throwing: StoreError.unavailable("the write was not run"))
        }
    }
}
