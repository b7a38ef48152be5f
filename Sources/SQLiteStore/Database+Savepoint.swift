import GRDB

extension Database {
    /// Runs `body` inside the savepoint `name`: released if `body` returns, rolled back (and released) if it
    /// throws. Unlike GRDB's `inSavepoint`, the three statements are prepared once per connection: group commit
    /// opens two savepoints per put, and parsing them each time cost as much as the put itself.
    func withSavepoint<T>(_ name: SavepointName, _ body: () throws -> T) throws -> T {
        try cachedStatement(sql: name.begin).execute()
        let value: T
        do {
            value = try body()
        } catch {
            // If SQLite already rolled the whole transaction back (disk full, I/O error), there is no
            // savepoint left: the caller sees `isInsideTransaction == false`.
            if isInsideTransaction {
                try cachedStatement(sql: name.rollback).execute()
                try cachedStatement(sql: name.release).execute()
            }
            throw error
        }
        try cachedStatement(sql: name.release).execute()
        return value
    }
}

/// The name of a savepoint and its statements.
struct SavepointName {
    let begin: String
    let release: String
    let rollback: String

    private init(_ name: String) {
        begin = "SAVEPOINT \(name)"
        release = "RELEASE SAVEPOINT \(name)"
        rollback = "ROLLBACK TO SAVEPOINT \(name)"
    }

    /// Around one write body of a batch.
    static let body = SavepointName("dossier_body")
    /// Around one put, so that a failed put leaves nothing even if the body goes on.
    static let put = SavepointName("dossier_put")
}
