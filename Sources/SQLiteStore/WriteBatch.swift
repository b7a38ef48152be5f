import Foundation
import GRDB

/// The state of one group commit on the writer connection: the next `seq` and the last timestamp handed out.
///
/// Both start from the database (read inside the batch's `BEGIN IMMEDIATE`, so they are right even if another
/// process wrote to the file) and from the timestamps this process already handed out (so a rolled-back body's
/// timestamp is never reused). Lives only on the writer connection's queue.
final class WriteBatch {
    private var nextSequence: Int64
    /// The last timestamp handed out, in microseconds since 1970.
    private(set) var lastTimestamp: Int64

    /// Reads the high-water marks of the database; `issuedTimestamp` is the last timestamp this process issued.
    init(_ db: Database, issuedTimestamp: Int64) throws {
        // Two subqueries: SQLite answers a lone max() with one index seek, not two in one SELECT.
        let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT (SELECT max(seq) FROM resource_version), (SELECT max(last_updated) FROM resource_version)
            """))
        let maxSequence: Int64? = row?[0]
        let maxTimestamp: Int64? = row?[1]
        nextSequence = (maxSequence ?? 0) + 1
        lastTimestamp = max(issuedTimestamp, maxTimestamp ?? .min)
    }

    /// A new timestamp: now, or 1 µs after the previous one if the clock has not moved past it.
    func nextTimestamp(now: Date = Date()) -> Int64 {
        let now = now.microsecondsSince1970
        lastTimestamp = now > lastTimestamp ? now : lastTimestamp + 1
        return lastTimestamp
    }

    /// A new `seq` for one version row.
    func nextSequenceNumber() -> Int64 {
        defer { nextSequence += 1 }
        return nextSequence
    }
}
