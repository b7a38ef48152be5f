import GRDB
import Synchronization

/// Copies committed pages from the write-ahead log into the database file on its own connection, so that the
/// writer's commits — and the callers waiting on them — do not pay for checkpoints.
///
/// After a commit, a checkpoint is scheduled `delay` later (commits in between share it), and runs `PASSIVE`
/// (it never blocks the writer or the readers). The checkpointing connection runs with `synchronous=FULL`, so the
/// database file is fsynced before the log is reused. The writer keeps SQLite's automatic checkpoint at a high
/// threshold as a safety net, should this one fall behind.
public final class BackgroundCheckpointer: Sendable {
    private struct State {
        var isScheduled = false
        var isClosed = false
        var latest: Task<Void, Never>?
    }

    private let connection: DatabaseQueue
    private let delay: Duration
    private let state = Mutex(State())

    /// Opens the checkpointing connection to the (already WAL) database at `path`; `label` names it in GRDB's
    /// diagnostics.
    public init(path: String, label: String, busyTimeout: Double, delay: Duration) throws {
        var configuration = GRDB.Configuration()
        configuration.label = label
        configuration.busyMode = .timeout(busyTimeout)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        try connection.writeWithoutTransaction { db in
            try db.execute(sql: """
                PRAGMA synchronous = FULL;
                PRAGMA fullfsync = ON;
                PRAGMA checkpoint_fullfsync = ON;
                PRAGMA wal_autocheckpoint = 0;
                """)
        }
        self.delay = delay
    }

    /// Schedules a checkpoint unless one is already waiting.
    public func commitDidHappen() {
        state.withLock { state in
            guard !state.isClosed, !state.isScheduled else { return }
            state.isScheduled = true
            state.latest = Task { [connection, delay] in
                try? await Task.sleep(for: delay)
                // Commits from now on schedule the next checkpoint.
                self.state.withLock { $0.isScheduled = false }
                guard !Task.isCancelled else { return }
                // Best effort: a failed checkpoint is retried by the next one (or by the writer's safety net).
                _ = try? await connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            }
        }
    }

    /// Cancels a waiting checkpoint, waits for a running one, and closes the connection.
    public func close() async throws {
        let latest = state.withLock { state in
            state.isClosed = true
            return state.latest
        }
        latest?.cancel()
        await latest?.value
        try connection.close()
    }
}
