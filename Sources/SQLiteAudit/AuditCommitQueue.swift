import Synchronization

/// Appends waiting for the writer, drained in batches by one task at a time: the more callers wait while a batch
/// commits, the more the next commit (and its fsync) carries. The same pattern as SQLiteStore's group commit
/// queue, sized by events rather than by callers.
final class AuditCommitQueue: Sendable {
    /// One caller's events and the continuation that resumes it after the commit.
    struct Append: Sendable {
        let events: [PreparedAuditEvent]
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var pending: [Append] = []
        var isDraining = false
        var isClosed = false
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let maximumBatchEvents: Int
    private let commit: @Sendable ([Append]) async -> Void

    /// - Parameters:
    ///   - maximumBatchEvents: a batch stops growing once it holds this many events (a single larger append
    ///     still forms a batch of its own).
    ///   - commit: commits one batch and resumes its callers; never called concurrently.
    init(maximumBatchEvents: Int, commit: @escaping @Sendable ([Append]) async -> Void) {
        self.maximumBatchEvents = max(1, maximumBatchEvents)
        self.commit = commit
    }

    /// Queues `append`, starting a drain if none runs; `false` (not queued) once the queue is closed.
    func submit(_ append: Append) -> Bool {
        let outcome: Bool? = state.withLock { state in
            guard !state.isClosed else { return nil }
            state.pending.append(append)
            if state.isDraining { return false }
            state.isDraining = true
            return true
        }
        guard let startsDrain = outcome else { return false }
        if startsDrain { Task { await drain() } }
        return true
    }

    /// Refuses new appends and returns once every queued one has been committed (or failed).
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state in
                state.isClosed = true
                guard state.isDraining else { return true }
                state.closeWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    private func drain() async {
        while let batch = nextBatch() {
            await commit(batch)
        }
    }

    /// Takes the next batch, or ends the drain (resuming `close` waiters) when nothing is pending.
    private func nextBatch() -> [Append]? {
        let (batch, waiters): ([Append]?, [CheckedContinuation<Void, Never>]) = state.withLock { state in
            guard !state.pending.isEmpty else {
                state.isDraining = false
                defer { state.closeWaiters = [] }
                return (nil, state.closeWaiters)
            }
            var taken = 0, events = 0
            while taken < state.pending.count, taken == 0 || events + state.pending[taken].events.count <= maximumBatchEvents {
                events += state.pending[taken].events.count
                taken += 1
            }
            let batch = Array(state.pending.prefix(taken))
            state.pending.removeFirst(taken)
            return (batch, [])
        }
        for waiter in waiters { waiter.resume() }
        return batch
    }
}
