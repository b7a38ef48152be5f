import Synchronization

/// Write jobs waiting for the single writer, and the task that drains them in batches.
///
/// ``submit(_:)`` queues a job; if no drain is running it starts one. The drain takes up to
/// `maximumBatchSize` waiting jobs at a time and hands them to `process` (which commits them as one
/// transaction), until the queue is empty. Jobs that arrive while a batch commits form the next batch, so
/// the more callers wait, the more each commit (and its fsync) carries.
final class GroupCommitQueue<Job: Sendable>: Sendable {
    private struct State {
        var pending: [Job] = []
        var isDraining = false
        var isClosed = false
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let maximumBatchSize: Int
    private let process: @Sendable ([Job]) async -> Void

    /// - Parameters:
    ///   - maximumBatchSize: the most jobs handed to one `process` call (at least 1).
    ///   - process: runs one batch; called by one drain at a time, never concurrently.
    init(maximumBatchSize: Int, process: @escaping @Sendable ([Job]) async -> Void) {
        self.maximumBatchSize = max(1, maximumBatchSize)
        self.process = process
    }

    /// Queues `job`; `false` (and the job is not queued) once the queue is closed.
    func submit(_ job: Job) -> Bool {
        let startsDrain: Bool? = state.withLock { state in
            guard !state.isClosed else { return nil }
            state.pending.append(job)
            guard !state.isDraining else { return false }
            state.isDraining = true
            return true
        }
        guard let startsDrain else { return false }
        if startsDrain {
            Task { await self.drain() }
        }
        return true
    }

    /// Refuses new jobs and returns when every queued job has been processed.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isIdle = state.withLock { state in
                state.isClosed = true
                if state.isDraining {
                    state.drainWaiters.append(continuation)
                    return false
                }
                return true
            }
            if isIdle { continuation.resume() }
        }
    }

    private func drain() async {
        while true {
            let (batch, waiters) = state.withLock { state -> ([Job], [CheckedContinuation<Void, Never>]) in
                guard !state.pending.isEmpty else {
                    state.isDraining = false
                    defer { state.drainWaiters = [] }
                    return ([], state.drainWaiters)
                }
                if state.pending.count <= maximumBatchSize {
                    defer { state.pending = [] }
                    return (state.pending, [])
                }
                let batch = Array(state.pending.prefix(maximumBatchSize))
                state.pending.removeFirst(maximumBatchSize)
                return (batch, [])
            }
            guard !batch.isEmpty else {
                for waiter in waiters { waiter.resume() }
                return
            }
            await process(batch)
        }
    }
}
