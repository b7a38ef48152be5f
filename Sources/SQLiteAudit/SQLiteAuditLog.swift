import Audit
import FHIRCore
import Foundation
import GRDB
import SQLiteDurability
import Synchronization

/// The embedded ``Audit/AuditLog``: its own SQLite file (``defaultFileName`` in the data folder), apart from the
/// FHIR database, so that the trail has its own durability, its own backups and its own permissions.
///
/// **Durability.** WAL mode with `synchronous=FULL` on the writer (set after GRDB opens the pool, which sets
/// `NORMAL`, and read back: the log refuses to open otherwise): every commit fsyncs before ``append(_:)``
/// returns.
///
/// **Group commit.** Concurrent appends are queued; one drain at a time writes every waiting append (up to
/// ``Configuration/maximumBatchEvents`` events) in one `BEGIN IMMEDIATE` transaction and resumes them after the
/// single COMMIT; when the batch fails, it is written again with each append in its own savepoint (an append that
/// fails, e.g. a duplicate id, is rolled back alone). ``committedTransactionCount`` counts those commits.
/// Checkpoints run on a background connection (``Configuration/checkpointDelay``), not inside appends.
///
/// **Chain.** Events are numbered by SQLite (`seq`, AUTOINCREMENT: never reused) and chained in that order
/// (``Audit/AuditHashChain``); the hash of the last event is read at open and kept in memory. One process should
/// append to a file at a time (another process's appends would fork the chain, which ``verify()`` reports).
///
/// **Lookups.** The patient and entity rows that searches go through live in a second file (``lookupPath(for:)``,
/// attached as `lookup`), written in a second transaction right after each group commit and before its callers
/// resume (a search after an append finds it), with `synchronous=NORMAL`: a durable append then fsyncs only the
/// event pages. They are derived from the events: a missing file, or lookups behind after a crash, are rebuilt
/// from the events when the log opens (and by the next commit).
///
/// **Search** compiles filters and scope into one SQL statement driven by an index (see ``search(_:)``).
public final class SQLiteAuditLog: AuditLog {
    /// Tuning; the defaults suit the server.
    public struct Configuration: Sendable, Hashable {
        /// The most events one group commit carries.
        public var maximumBatchEvents = 4096
        /// How long a connection waits for SQLite's lock held by another process.
        public var busyTimeoutSeconds: Double = 10
        /// Reader connections for searches and verification.
        public var maximumReaderCount = 4
        /// The page cache of each connection, in KiB (`PRAGMA cache_size = -N`). The writer touches the last pages
        /// of the event table and a page per patient and entity looked up; with SQLite's 2 MiB default those
        /// pages are read back from the file on most appends.
        public var cacheSizeKiB = 32 * 1024
        /// How long after a commit the log is checkpointed by a background connection (commits in between share
        /// the checkpoint); `nil` leaves checkpoints to the writer, which then pays for them inside appends.
        public var checkpointDelay: Duration? = .milliseconds(100)

        /// The defaults.
        public init() {}
    }

    /// The file name of the audit database inside the data folder.
    public static let defaultFileName = "audit.sqlite"

    /// The file of the patient and entity lookups beside the audit database at `path` (`audit-lookup.sqlite`
    /// beside `audit.sqlite`): derived data, rebuilt from the events when missing or behind.
    public static func lookupPath(for path: String) -> String {
        path.hasSuffix(".sqlite") ? String(path.dropLast(".sqlite".count)) + "-lookup.sqlite" : path + "-lookup"
    }

    /// The path of the database file.
    public let path: String
    private let pool: DatabasePool
    private let queue: AuditCommitQueue
    private let writer: Writer
    private let checkpointer: BackgroundCheckpointer?
    private let isClosed = Mutex(false)

    /// Opens (creating if needed, with its folders) the audit database at `path` and migrates its schema.
    ///
    /// - Throws: ``AuditLogError`` (``AuditLogError/Code/unavailable``) when `synchronous=FULL` cannot be set, or
    ///   the SQLite error that prevented opening or migrating.
    public init(path: String, configuration: Configuration = Configuration()) throws {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        var grdb = GRDB.Configuration()
        grdb.busyMode = .timeout(configuration.busyTimeoutSeconds)
        grdb.maximumReaderCount = max(1, configuration.maximumReaderCount)
        grdb.label = "Dossier.SQLiteAuditLog"
        let cacheSizeKiB = max(0, configuration.cacheSizeKiB)
        // temp_store=MEMORY: each append runs in a savepoint, whose statement journal would otherwise be a temporary
        // file written page by page on every group commit.
        let lookupPath = Self.lookupPath(for: path)
        // Every connection sees the lookups under their usual names (`audit_patient`, `audit_entity`), from the
        // lookup file attached as `lookup`.
        grdb.prepareDatabase { db in
            try db.execute(sql: "ATTACH DATABASE ? AS \(SQLiteAuditSchema.lookupSchema)", arguments: [lookupPath])
            try db.execute(sql: "PRAGMA cache_size = -\(cacheSizeKiB); PRAGMA temp_store = MEMORY")
        }
        let pool = try DatabasePool(path: path, configuration: grdb)
        if let problem = try pool.setSynchronousFull(
            extraPragmas: "PRAGMA wal_autocheckpoint = \(configuration.checkpointDelay == nil ? 1000 : 10000);") {
            throw AuditLogError(.unavailable, problem)
        }
        // The lookups are derived from the events: WAL with synchronous=NORMAL (their commits are not fsynced; a power
        // cut may lose the last ones, which the catch-up below rewrites from the events).
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA lookup.journal_mode = WAL; PRAGMA lookup.synchronous = NORMAL")
        }
        try SQLiteAuditSchema.migrator().migrate(pool)
        let (head, indexed) = try pool.writeWithoutTransaction { db -> ([UInt8]?, Int64) in
            try SQLiteAuditSchema.createLookupTables(db)
            let head = try Row.fetchOne(db, sql: "SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1").map { row in
                [UInt8](row["hash"] as Data)
            }
            return (head, try Writer.catchUpLookups(db))
        }
        let writer = Writer(pool: pool, head: head ?? AuditHashChain.genesis, indexed: indexed)
        let checkpointer = try configuration.checkpointDelay.map { delay in
            try BackgroundCheckpointer(path: path, label: "Dossier.SQLiteAuditLog.checkpointer",
                                       busyTimeout: configuration.busyTimeoutSeconds, delay: delay)
        }
        self.path = path
        self.pool = pool
        self.writer = writer
        self.checkpointer = checkpointer
        queue = AuditCommitQueue(maximumBatchEvents: configuration.maximumBatchEvents) { batch in
            await writer.commit(batch)
            checkpointer?.commitDidHappen()
        }
    }

    /// The number of transactions committed by appends since the log was opened (one per group commit).
    public var committedTransactionCount: Int { writer.commitCount }

    public func append(_ records: [AuditRecord]) async throws {
        try checkOpen()
        guard !records.isEmpty else { return }
        let events = try records.map { try PreparedAuditEvent($0) }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            if !queue.submit(AuditCommitQueue.Append(events: events, continuation: continuation)) {
                continuation.resume(throwing: AuditLogError(.closed, "the audit log is closed"))
            }
        }
    }

    public func read(id: String) async throws -> AuditStoredEvent? {
        try checkOpen()
        return try Self.readSynchronously(pool) { db in
            try Row.fetchOne(db, sql: "SELECT seq, id, json FROM audit_event WHERE id = ?", arguments: [id])
                .map(SQLiteAuditSearch.storedEvent)
        }
    }

    /// One page of `query`, newest first.
    ///
    /// Each grant of the scope (or the whole trail for ``Audit/AuditScope/everything``) becomes one branch driven
    /// by the most selective index its conditions allow: a patient (`audit_patient`), an entity (`audit_entity`),
    /// an organisation's emergencies, an agent, role or organisation, a closed date range, else the trail by
    /// sequence. Every other condition is a predicate of the branch, and each branch stops after one more row than
    /// the page; the page is the newest of their union.
    public func search(_ query: AuditQuery) async throws -> AuditSearchPage {
        try checkOpen()
        return try Self.readSynchronously(pool) { db in try SQLiteAuditSearch.page(db, query) }
    }

    public func verify() async throws -> AuditVerification {
        try checkOpen()
        let pool = self.pool
        // A long read: keep it off the cooperative threads.
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try pool.read { db in try SQLiteAuditVerifier.verify(db) } })
            }
        }
    }

    /// Waits for queued appends to commit, then closes the database. Later calls throw ``AuditLogError``
    /// (``AuditLogError/Code/closed``); closing twice does nothing.
    public func close() async throws {
        let wasClosed = isClosed.withLock { isClosed in
            defer { isClosed = true }
            return isClosed
        }
        guard !wasClosed else { return }
        await queue.close()
        try await checkpointer?.close()
        let pool = self.pool
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async { continuation.resume(with: Result { try pool.close() }) }
        }
    }

    /// Runs `sql` on the writer connection and returns its rows as text (blobs in hex). For tests and
    /// diagnostics: the query plans, the schema, PRAGMA values.
    package func rows(_ sql: String, arguments: StatementArguments = StatementArguments()) async throws -> [[String?]] {
        try checkOpen()
        return try await pool.writeWithoutTransaction { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
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
    }

    /// GRDB's synchronous `read`, called from a synchronous function so that the async overload is not chosen:
    /// as in SQLiteStore, a reader connection is then always held by a running thread.
    private static func readSynchronously<T>(_ pool: DatabasePool, _ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    private func checkOpen() throws {
        if isClosed.withLock({ $0 }) { throw AuditLogError(.closed, "the audit log is closed") }
    }
}
