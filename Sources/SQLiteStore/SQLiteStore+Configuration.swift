extension SQLiteStore {
    /// Tuning of an ``SQLiteStore``. The defaults suit the embedded server; durability is not configurable
    /// (every commit is fsynced, see ``SQLiteStore``).
    public struct Configuration: Sendable, Hashable {
        /// How long a connection waits for a lock held by another connection or process before failing
        /// with ``Store/StoreError/unavailable(_:)``.
        public var busyTimeout: Duration = .seconds(5)
        /// The size, in bytes, the write-ahead log is truncated to after a checkpoint (`PRAGMA journal_size_limit`).
        public var journalSizeLimit: Int = 64 << 20
        /// The page size of a new database file, in bytes (`PRAGMA page_size`; ignored for an existing file).
        ///
        /// Measured on Synthea (2026-11-22): with 4 KiB pages a version over ~1 KB spills into a mostly empty
        /// overflow page (the version table is 2.4x its content); 16 KiB pages make it 1.4x and import ~5% faster,
        /// but single-resource creates ~35% slower (each commit writes whole 16 KiB pages for small changes).
        /// 4 KiB favours interactive writes; a bulk-loading deployment may choose 16 KiB.
        public var pageSize: Int = 4_096
        /// How many bytes of the database file are memory-mapped for reads (`PRAGMA mmap_size`); 0 disables it.
        public var mmapSize: Int = 256 << 20
        /// The page cache of each connection, in KiB (`PRAGMA cache_size = -N`).
        public var cacheSizeKiB: Int = 16 << 10
        /// The number of reader connections that serve concurrent reads.
        public var maximumReaderCount: Int = 4
        /// How long after a commit the write-ahead log is checkpointed by a background connection (commits in
        /// between share the checkpoint); `nil` leaves checkpoints to the writer (SQLite's automatic checkpoint
        /// every 1000 pages), which then makes some commits wait for one.
        public var checkpointDelay: Duration? = .milliseconds(100)
        /// The most write bodies group-committed in one SQLite transaction.
        public var maximumBatchSize: Int = 256

        /// The default configuration.
        public init() {}
    }
}
