import GRDB

/// The integer keys the writer gives to patient keys (`patient_key`) and to search parameters of a resource type
/// (`search_param`), remembered across writes so that a put looks each up once, not once per index entry.
///
/// A key is created (inserted) inside the write that first needs it, so it exists only if that write commits:
/// whoever rolls back writer work must call ``forget()``, after which keys are looked up again. Keys never change
/// once committed. Used only on the writer connection's queue.
final class SQLiteKeyCache: @unchecked Sendable {
    /// A search parameter of one resource type.
    private struct ParamName: Hashable {
        var type: String
        var code: String
    }

    /// Above this many remembered patient keys the memory is cleared (a national store has millions of patients;
    /// an import works through them one bundle at a time).
    private static let patientLimit = 100_000

    private var patients: [String: Int64] = [:]
    private var params: [ParamName: Int64] = [:]

    /// The integer of a patient key (`0` for `''`), created if new.
    func patient(_ db: Database, _ key: String) throws -> Int64 {
        if key.isEmpty { return 0 }
        if let known = patients[key] { return known }
        let value = try Self.key(
            db, select: "SELECT patient FROM patient_key WHERE key = ?",
            insert: "INSERT INTO patient_key (key) VALUES (?)", [key])
        if patients.count >= Self.patientLimit { patients.removeAll(keepingCapacity: true) }
        patients[key] = value
        return value
    }

    /// The integer of the search parameter `code` of `type`, created if new.
    func param(_ db: Database, type: String, code: String) throws -> Int64 {
        let name = ParamName(type: type, code: code)
        if let known = params[name] { return known }
        let value = try Self.key(
            db, select: "SELECT param FROM search_param WHERE type = ? AND code = ?",
            insert: "INSERT INTO search_param (type, code) VALUES (?, ?)", [type, code])
        params[name] = value
        return value
    }

    /// Forgets every key: some may have been created by work that was rolled back.
    func forget() {
        patients.removeAll()
        params.removeAll()
    }

    private static func key(_ db: Database, select: String, insert: String, _ arguments: StatementArguments) throws -> Int64 {
        if let existing = try Int64.fetchOne(db.cachedStatement(sql: select), arguments: arguments) {
            return existing
        }
        try db.cachedStatement(sql: insert).execute(arguments: arguments)
        return db.lastInsertedRowID
    }
}
