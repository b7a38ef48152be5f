import Foundation
import GRDB
import SQLiteDurability
import Store
import Synchronization

/// The embedded backend of ``Store/FHIRStore``: one SQLite file in WAL mode, read by a pool of reader
/// connections while a single writer connection commits.
///
/// **Durability (fsync policy).** The writer runs with `synchronous=FULL`: every COMMIT fsyncs the write-ahead
/// log before ``write(_:)`` returns, so an acknowledged write survives a crash or a power loss. Checkpoints
/// fsync the database file before the log is reused; they run on a background connection shortly after commits
/// (see ``Configuration/checkpointDelay``), with SQLite's automatic checkpoint on the writer as a safety net.
/// On Apple platforms `fullfsync` is on, so the flush reaches stable storage (`F_FULLFSYNC`).
///
/// **Group commit.** Concurrent ``write(_:)`` calls are queued; one drain at a time runs as many waiting bodies
/// as there are (up to ``Configuration/maximumBatchSize``) in one `BEGIN IMMEDIATE` transaction, each in its own
/// savepoint, and resumes all their callers after the single COMMIT (and fsync) has returned. A body that throws
/// is rolled back alone and its caller gets its error. The SQLite work runs on GRDB's writer queue, not on
/// Swift concurrency's threads. A write that has been queued completes even if its task is cancelled.
///
/// **Time.** Each body gets a timestamp strictly greater than any the store handed out before (microseconds;
/// the clock's value, or the previous one plus 1 µs). History is ordered by a global sequence number assigned
/// in commit order, so time and sequence increase together.
///
/// One process at a time should write a given file: another process is serialized by SQLite's locks (and may
/// get ``Store/StoreError/unavailable(_:)`` after ``Configuration/busyTimeout``), but is not group-committed
/// with this one.
public final class SQLiteStore: FHIRStore {
    /// The path of the database file.
    public let path: String
    private let pool: DatabasePool
    private let queue: GroupCommitQueue<any GroupCommitJob>
    private let isClosed = Mutex(false)
    private let checkpointer: BackgroundCheckpointer?

    /// Opens the database at `path`, creating the file and its folders if needed, and migrates the schema.
    ///
    /// - Throws: ``Store/StoreError/unavailable(_:)`` if the durability settings cannot be applied, or the
    ///   SQLite error that prevented opening or migrating the database.
    public init(path: String, configuration: Configuration = Configuration()) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)

        var grdbConfiguration = GRDB.Configuration()
        grdbConfiguration.foreignKeysEnabled = true
        grdbConfiguration.busyMode = .timeout(configuration.busyTimeout.seconds)
        grdbConfiguration.maximumReaderCount = max(1, configuration.maximumReaderCount)
        grdbConfiguration.label = "Dossier.SQLiteStore"
        let tuning = configuration
        // temp_store=MEMORY keeps the savepoint journals of group commit (one savepoint per body) in memory:
        // on file they cost dozens of write() calls per put.
        // page_size only applies to a new, empty file (it must precede the switch to WAL, which GRDB makes after
        // prepareDatabase). See Configuration.pageSize for the measured trade-off.
        grdbConfiguration.prepareDatabase { db in
            try db.execute(sql: """
                PRAGMA page_size = \(tuning.pageSize);
                PRAGMA journal_size_limit = \(tuning.journalSizeLimit);
                PRAGMA mmap_size = \(tuning.mmapSize);
                PRAGMA cache_size = -\(tuning.cacheSizeKiB);
                PRAGMA temp_store = MEMORY;
                """)
        }
        let pool = try DatabasePool(path: path, configuration: grdbConfiguration)
        // Refuse to run if SQLite did not take synchronous=FULL.
        if let problem = try pool.setSynchronousFull(
            extraPragmas: "PRAGMA wal_autocheckpoint = \(configuration.checkpointDelay == nil ? 1000 : 10000);") {
            throw StoreError.unavailable(problem)
        }
        try SQLiteSchema.migrator().migrate(pool)

        let checkpointer = try configuration.checkpointDelay.map { delay in
            try BackgroundCheckpointer(path: path, label: "Dossier.SQLiteStore.checkpointer", busyTimeout: configuration.busyTimeout.seconds, delay: delay)
        }
        let committer = SQLiteBatchCommitter(pool: pool)
        self.path = path
        self.pool = pool
        self.checkpointer = checkpointer
        self.queue = GroupCommitQueue(maximumBatchSize: configuration.maximumBatchSize) { jobs in
            await committer.commit(jobs)
            checkpointer?.commitDidHappen()
        }
    }

    public func read(type: String, id: String) async throws -> StoredResource? {
        try readingInPlace { db in try SQLiteQueries.read(db, type: type, id: id) }
    }

    public func vread(type: String, id: String, version: Int) async throws -> StoredResource? {
        try readingInPlace { db in try SQLiteQueries.vread(db, type: type, id: id, version: version) }
    }

    public func history(_ query: HistoryQuery) async throws -> HistoryPage {
        try await reading { db in try SQLiteQueries.history(db, query) }
    }

    public func changes(after sequence: Int64, limit: Int) async throws -> [StoreChange] {
        try await reading { db in try SQLiteQueries.changes(db, after: sequence, limit: limit) }
    }

    public func lastChangeSequence() async throws -> Int64 {
        try readingInPlace { db in try SQLiteQueries.lastChangeSequence(db) }
    }

    public func search(_ query: SearchQuery) async throws -> SearchPage {
        try await reading { db in try SQLiteQueries.search(db, query) }
    }

    public func count(_ query: SearchQuery) async throws -> Int {
        try await reading { db in try SQLiteQueries.count(db, query) }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try checkOpen()
        do {
            return try await withCheckedThrowingContinuation { continuation in
                if !queue.submit(WriteJob(body: body, continuation: continuation)) {
                    continuation.resume(throwing: StoreError.unavailable("the store is closed"))
                }
            }
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Waits for queued writes to commit, then closes every connection. Later calls throw
    /// ``Store/StoreError/unavailable(_:)``; closing twice does nothing.
    public func close() async throws {
        let wasClosed = isClosed.withLock { isClosed in
            defer { isClosed = true }
            return isClosed
        }
        guard !wasClosed else { return }
        await queue.close()
        try await checkpointer?.close()
        // DatabasePool.close() blocks until running reads end: keep that off the cooperative threads.
        let pool = self.pool
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try pool.close() })
            }
        }
    }

    /// Runs `sql` with `arguments` on the writer connection (`onWriter`) or on a reader, and returns its rows as
    /// text. For tests and diagnostics (PRAGMA values, the schema, query plans).
    func rows(_ sql: String, arguments: [String] = [], onWriter: Bool) async throws -> [[String?]] {
        @Sendable func fetch(_ db: Database) throws -> [[String?]] {
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                row.databaseValues.map { value in
                    switch value.storage {
                    case .null: nil
                    case .int64(let int): String(int)
                    case .double(let double): String(double)
                    case .string(let string): string
                    case .blob(let data): data.map { String(format: "%02x", $0) }.joined()
                    }
                }
            }
        }
        try checkOpen()
        return onWriter ? try await pool.writeWithoutTransaction(fetch) : try Self.readSynchronously(pool, fetch)
    }

    /// A read in one transaction, synchronously on the caller's thread.
    ///
    /// Every read is synchronous on purpose. GRDB's async `read` holds its reader connection while it waits to be
    /// resumed on the cooperative pool; a synchronous read waiting for a connection blocks a cooperative thread.
    /// Mixing the two deadlocked the server under 16 concurrent `$everything` requests (both cooperative threads
    /// of a 2-core machine waited for connections held by suspended async reads). With synchronous reads only,
    /// a connection is always held by a running thread, which releases it without needing another.
    private func reading<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try checkOpen()
        do {
            return try Self.readSynchronously(pool, body)
        } catch {
            throw Self.storeError(error)
        }
    }

    /// GRDB's synchronous `read` (from a synchronous function, so that the async overload cannot be chosen).
    private static func readSynchronously<T>(_ pool: DatabasePool, _ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    /// A point read: one SELECT, consistent on its own, so it runs without the BEGIN/COMMIT that `read` wraps
    /// around a body (`unsafeRead`), on the caller's thread (the lookup takes tens of microseconds; hopping to a
    /// reader queue and back would cost more).
    private func readingInPlace<T>(_ body: (Database) throws -> T) throws -> T {
        try checkOpen()
        do {
            return try pool.unsafeRead(body)
        } catch {
            throw Self.storeError(error)
        }
    }

    private func checkOpen() throws {
        if isClosed.withLock({ $0 }) { throw StoreError.unavailable("the store is closed") }
    }

    /// SQLite errors that mean "the database cannot serve now" become ``Store/StoreError/unavailable(_:)``;
    /// every other error (a body's own, a constraint violation) passes through unchanged.
    static func storeError(_ error: any Error) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_READONLY,
             .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_PROTOCOL, .SQLITE_MISUSE:
            return StoreError.unavailable(error.description)
        default:
            return error
        }
    }
}

extension Duration {
    /// This duration in seconds, as GRDB's busy timeout wants it.
    fileprivate var seconds: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
