import Foundation
import GRDB

/// Raw SQLite through GRDB (a `DatabasePool` in WAL mode, synchronous=FULL), with ~2 KB blobs:
/// - `sqlite_batched_insert`: rows/s inserted with one prepared statement in transactions of 10,000 rows;
/// - `sqlite_single_row_commit`: single-row write transactions per second, each durable (fsync) before the next;
/// - `sqlite_point_read`: reads by primary key per second, one connection, one prepared statement;
/// - `sqlite_point_read_2_readers`: the same from two reader connections at once.
struct SQLiteCeiling {
    /// Where the database goes; a new temporary folder (removed afterwards) when `nil`.
    var directory: String?
    /// How long each timed measurement runs.
    var seconds = 3.0
    /// Rows inserted by the batched measurement.
    var batchedRows = 200_000
    /// Size of each row's blob.
    var blobBytes = 2048
    /// Rows per transaction in the batched measurement.
    var rowsPerTransaction = 10_000

    func run() throws {
        let folder = directory ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("ceiling-\(getpid())")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = (folder as NSString).appendingPathComponent("ceiling.sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            if directory == nil { try? FileManager.default.removeItem(atPath: folder) }
        }

        var configuration = Configuration()
        configuration.maximumReaderCount = 4
        let pool = try DatabasePool(path: path, configuration: configuration)
        // DatabasePool sets synchronous=NORMAL when it opens the WAL; durability needs FULL, set afterwards.
        let synchronous = try pool.barrierWriteWithoutTransaction { db -> Int in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "CREATE TABLE blob (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
        }
        guard synchronous == 2 else { throw CeilingError("synchronous is \(synchronous), not FULL (2)") }

        var generator = SystemRandomNumberGenerator()
        let blob = Data((0..<blobBytes).map { _ in UInt8.random(in: 0...255, using: &generator) })

        // 1. Batched inserts.
        let batchStart = ContinuousClock.now
        var inserted = 0
        while inserted < batchedRows {
            let count = min(rowsPerTransaction, batchedRows - inserted)
            let first = inserted
            try pool.write { db in
                let statement = try db.cachedStatement(sql: "INSERT INTO blob (id, body) VALUES (?, ?)")
                for id in first..<(first + count) { try statement.execute(arguments: [id + 1, blob]) }
            }
            inserted += count
        }
        report("sqlite_batched_insert", Double(inserted) / elapsed(since: batchStart), "rows/s")

        // 2. Single-row durable transactions, one after the other.
        var commits = 0
        let commitStart = ContinuousClock.now
        let commitDeadline = commitStart + .seconds(seconds)
        while ContinuousClock.now < commitDeadline {
            let id = batchedRows + commits + 1
            try pool.write { db in
                try db.cachedStatement(sql: "INSERT INTO blob (id, body) VALUES (?, ?)").execute(arguments: [id, blob])
            }
            commits += 1
        }
        report("sqlite_single_row_commit", Double(commits) / elapsed(since: commitStart), "tx/s")

        // 3. Point reads by primary key.
        let maxID = batchedRows + commits
        report("sqlite_point_read", try pointReads(pool: pool, maxID: maxID), "reads/s")
        let perReader = try concurrentPointReads(pool: pool, maxID: maxID, readers: 2)
        report("sqlite_point_read_2_readers", perReader, "reads/s")
        try pool.close()
    }

    /// Reads random rows by primary key for `seconds` on one connection; returns reads per second.
    private func pointReads(pool: DatabasePool, maxID: Int) throws -> Double {
        try pool.read { db in
            let statement = try db.cachedStatement(sql: "SELECT body FROM blob WHERE id = ?")
            var generator = SystemRandomNumberGenerator()
            var reads = 0
            var bytes = 0
            let start = ContinuousClock.now
            let deadline = start + .seconds(seconds)
            while true {
                for _ in 0..<1000 {
                    let id = Int.random(in: 1...maxID, using: &generator)
                    if let body = try Data.fetchOne(statement, arguments: [id]) { bytes &+= body.count }
                    reads += 1
                }
                if ContinuousClock.now >= deadline { break }
            }
            guard bytes > 0 else { throw CeilingError("point reads found nothing") }
            return Double(reads) / elapsed(since: start)
        }
    }

    /// Runs ``pointReads(pool:maxID:)`` on `readers` threads at once; returns the total reads per second.
    private func concurrentPointReads(pool: DatabasePool, maxID: Int, readers: Int) throws -> Double {
        let results = ResultBox(count: readers)
        DispatchQueue.concurrentPerform(iterations: readers) { index in
            results.set(index, Result { try pointReads(pool: pool, maxID: maxID) })
        }
        return try results.values.reduce(0) { $0 + (try $1.get()) }
    }

    private func elapsed(since start: ContinuousClock.Instant) -> Double {
        (ContinuousClock.now - start) / .seconds(1)
    }

    private func report(_ name: String, _ value: Double, _ unit: String) {
        FileHandle.standardOutput.write(Data("\(name) \(Int(value.rounded())) \(unit)\n".utf8))
    }
}

/// A failed measurement.
struct CeilingError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Results written from several threads, one slot each.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Double, Error>?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Result<Double, Error>) { lock.withLock { slots[index] = value } }
    var values: [Result<Double, Error>] { lock.withLock { slots.compactMap { $0 } } }
}
