import GRDB
import GRDBSQLite

/// A cached write statement run with its values bound straight through SQLite's C API: the hot inserts of a put
/// (a version, its lookup row and its ~20 index rows) skip the `StatementArguments` array of existentials that
/// GRDB builds for each execution, which made GRDB's binding a large part of the writer's time on imports.
///
/// Values are bound in parameter order with ``bind(_:)-(String)`` and friends, then ``execute()`` steps the
/// statement once, resets it and throws GRDB's `DatabaseError` on failure, as `Statement.execute` would. Use it
/// only on the writer connection, inside a transaction (no autocommit bookkeeping is done).
struct DirectStatement {
    private let handle: OpaquePointer
    private let connection: OpaquePointer?
    private let sql: String
    private var index: Int32 = 0

    /// The statement for `sql` from the connection's statement cache.
    init(_ db: Database, sql: String) throws {
        let statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
        connection = db.sqliteConnection
        self.sql = sql
        sqlite3_reset(handle)
    }

    /// SQLite copies the bytes during the bind call (`SQLITE_TRANSIENT`), so Swift storage need not outlive it.
    private static var transient: sqlite3_destructor_type {
        unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    }

    /// Binds the next parameter to a text (never NULL: an empty string binds as `''`).
    mutating func bind(_ text: String) {
        index += 1
        var text = text
        let position = index
        text.withUTF8 { bytes in
            if let base = bytes.baseAddress {
                _ = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { chars in
                    sqlite3_bind_text(handle, position, chars, Int32(bytes.count), Self.transient)
                }
            } else {
                _ = sqlite3_bind_text(handle, position, "", 0, Self.transient)
            }
        }
    }

    /// Binds the next parameter to an integer.
    mutating func bind(_ value: Int64) {
        index += 1
        sqlite3_bind_int64(handle, index, value)
    }

    /// Binds the next parameter to an integer.
    mutating func bind(_ value: Int) { bind(Int64(value)) }

    /// Binds the next parameter to 0 or 1.
    mutating func bind(_ value: Bool) { bind(Int64(value ? 1 : 0)) }

    /// Binds the next parameter to a real.
    mutating func bind(_ value: Double) {
        index += 1
        sqlite3_bind_double(handle, index, value)
    }

    /// Binds the next parameter to a blob (a zero-length blob for empty bytes, never NULL).
    mutating func bind(blob bytes: [UInt8]) {
        index += 1
        let position = index
        guard !bytes.isEmpty else {
            sqlite3_bind_zeroblob(handle, position, 0)
            return
        }
        bytes.withUnsafeBytes { raw in
            _ = sqlite3_bind_blob(handle, position, raw.baseAddress, Int32(raw.count), Self.transient)
        }
    }

    /// Binds the next parameter to NULL.
    mutating func bindNull() {
        index += 1
        sqlite3_bind_null(handle, index)
    }

    /// Binds the next parameter to an integer, a real or a text, or NULL (the composite index's untyped columns).
    mutating func bind(any value: DirectValue?) {
        switch value {
        case nil: bindNull()
        case .integer(let i)?: bind(i)
        case .real(let r)?: bind(r)
        }
    }

    /// Runs the statement once with the values bound, then makes it ready for the next values.
    mutating func execute() throws {
        defer {
            sqlite3_reset(handle)
            index = 0
        }
        var code = sqlite3_step(handle)
        while code == SQLITE_ROW { code = sqlite3_step(handle) }
        guard code == SQLITE_DONE else {
            let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
    }
}

/// A number bound to an untyped column.
enum DirectValue {
    case integer(Int64)
    case real(Double)
}
