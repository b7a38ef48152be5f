import GRDB

extension DatabasePool {
    /// Makes every commit of the writer durable against power loss: `synchronous=FULL`, with full fsync of the WAL
    /// and of checkpoints, then reads `synchronous` back. Call it right after opening the pool: GRDB sets
    /// `synchronous=NORMAL` on the writer when it enables WAL, after `prepareDatabase`.
    ///
    /// - Parameter extraPragmas: further `PRAGMA ...;` statements run in the same call.
    /// - Returns: nil when SQLite took FULL; otherwise a sentence saying what it has, for the caller's error.
    public func setSynchronousFull(extraPragmas: String = "") throws -> String? {
        try writeWithoutTransaction { db in
            try db.execute(sql: """
                PRAGMA synchronous = FULL;
                PRAGMA fullfsync = ON;
                PRAGMA checkpoint_fullfsync = ON;
                \(extraPragmas)
                """)
            let synchronous = try Int.fetchOne(db, sql: "PRAGMA synchronous")
            return synchronous == 2 ? nil
                : "PRAGMA synchronous is \(synchronous.map(String.init) ?? "unknown") on the writer, not 2 (FULL)"
        }
    }
}
