import Foundation
import GRDB
import Store

/// The read side of the store as SQL, shared by the reader connections and by ``SQLiteTransaction`` (which reads
/// on the writer connection and so sees its own uncommitted puts). Hot statements are prepared once per
/// connection (`cachedStatement`).
enum SQLiteQueries {
    /// Above this many arguments a search statement is prepared for one use instead of being cached, so that
    /// queries with long `_id` lists do not fill the statement cache.
    private static let cachedStatementArgumentLimit = 32

    /// `resource` joined to the row of its current version; the join goes through the patient key.
    private static let currentVersionJoin = """
        resource r JOIN resource_version v
        ON v.patient_key = r.patient_key AND v.type = r.type AND v.id = r.id AND v.version = r.version
        """

    /// Read by id: `type`, `id`.
    static let readSQL = "SELECT \(StoredResource.selection) FROM \(currentVersionJoin) WHERE r.type = ? AND r.id = ?"
    /// Read one version: `type`, `id`, `version`.
    static let vreadSQL = """
        SELECT \(StoredResource.selection) FROM resource_version v WHERE v.type = ? AND v.id = ? AND v.version = ?
        """

    /// The current version of `type/id` (a tombstone if deleted), `nil` if never written.
    static func read(_ db: Database, type: String, id: String) throws -> StoredResource? {
        let statement = try db.cachedStatement(sql: readSQL)
        return try Row.fetchOne(statement, arguments: [type, id]).map(StoredResource.init(row:))
    }

    /// One version of `type/id`, whatever patient key it was written with.
    static func vread(_ db: Database, type: String, id: String, version: Int) throws -> StoredResource? {
        let statement = try db.cachedStatement(sql: vreadSQL)
        return try Row.fetchOne(statement, arguments: [type, id, version]).map(StoredResource.init(row:))
    }

    // MARK: Search

    /// The current, non-deleted resources matching `query`, ordered by type then id.
    static func search(_ db: Database, _ query: SearchQuery) throws -> [StoredResource] {
        guard let (sql, arguments) = searchSQL(query) else { return [] }
        let statement = arguments.count <= cachedStatementArgumentLimit
            ? try db.cachedStatement(sql: sql)
            : try db.makeStatement(sql: sql)
        let rows = try Row.fetchCursor(statement, arguments: StatementArguments(arguments))
        var result: [StoredResource] = []
        while let row = try rows.next() {
            result.append(try StoredResource(row: row))
        }
        return result
    }

    /// The SQL and arguments of a search, `nil` when the query cannot match anything (a limit of 0, or a
    /// token condition without values). Interim: `_id` and token conditions AND-ed (the full compiler replaces it).
    static func searchSQL(_ query: SearchQuery) -> (String, [any DatabaseValueConvertible])? {
        if let limit = query.limit, limit <= 0 { return nil }
        var sql = "SELECT \(StoredResource.selection) FROM \(currentVersionJoin) WHERE r.deleted = 0"
        var arguments: [any DatabaseValueConvertible] = []
        if let type = query.type {
            sql += " AND r.type = ?"
            arguments.append(type)
        }
        let parts: [SearchCondition]
        if case .all(let list) = query.condition { parts = list } else { parts = [query.condition] }
        for part in parts {
            switch part {
            case .ids(let ids):
                guard !ids.isEmpty else { return nil }
                sql += " AND r.id IN (\(placeholders(ids.count)))"
                arguments.append(contentsOf: ids)
            case .any(let alternatives):
                var param: String?
                var values: [TokenValue] = []
                for alternative in alternatives {
                    guard case .match(let p, .token(let value)) = alternative, param == nil || param == p else { return nil }
                    param = p
                    values.append(value)
                }
                guard let param, let (subquery, subqueryArguments) = tokenSubquery(TokenCondition(param: param, values: values), type: query.type) else { return nil }
                sql += query.type == nil ? " AND (r.type, r.id) IN (\(subquery))" : " AND r.id IN (\(subquery))"
                arguments.append(contentsOf: subqueryArguments)
            case .match(let param, .token(let value)):
                guard let (subquery, subqueryArguments) = tokenSubquery(TokenCondition(param: param, values: [value]), type: query.type) else { return nil }
                sql += query.type == nil ? " AND (r.type, r.id) IN (\(subquery))" : " AND r.id IN (\(subquery))"
                arguments.append(contentsOf: subqueryArguments)
            default:
                return nil
            }
        }
        sql += " ORDER BY r.type, r.id"
        if let limit = query.limit {
            sql += " LIMIT ?"
            arguments.append(limit)
        }
        return (sql, arguments)
    }

    /// The resources (`id`, or `type, id` without a type) having an entry that matches one of the condition's
    /// values: one `SELECT` per value, joined by `UNION ALL`, so that each alternative uses
    /// `token_index_by_code` on its own (SQLite would not for an OR of mixed forms). `nil` when there are no
    /// values.
    private static func tokenSubquery(
        _ condition: TokenCondition, type: String?
    ) -> (String, [any DatabaseValueConvertible])? {
        guard !condition.values.isEmpty else { return nil }
        let selected = type == nil ? "t.type, t.id" : "t.id"
        var branches: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        for value in condition.values {
            var branch = "SELECT \(selected) FROM token_index t WHERE t.param = ?"
            arguments.append(condition.param)
            if let code = value.code {
                branch += " AND t.code = ?"
                arguments.append(code)
            }
            if let type {
                branch += " AND t.type = ?"
                arguments.append(type)
            }
            switch value.system {
            case .any:
                break
            case .none:
                branch += " AND t.system = ''"
            case .exactly(let system):
                branch += " AND t.system = ?"
                arguments.append(system)
            }
            branches.append(branch)
        }
        return (branches.joined(separator: " UNION ALL "), arguments)
    }

    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    // MARK: History

    /// One page of history, newest first.
    ///
    /// `seq` and `last_updated` increase together (timestamps are strictly increasing per transaction and `seq`
    /// is assigned in commit order), so the `since` and `at` instants are first turned into `seq` bounds with one
    /// index seek each; the page and the total are then ranges of the `seq` indexes.
    static func history(_ db: Database, _ query: HistoryQuery) throws -> HistoryPage {
        // Exclusive lower bound: versions after `since`.
        var lower: Int64 = 0
        if let since = query.since {
            lower = try lastSequence(db, atOrBefore: since) ?? 0
        }
        // Inclusive upper bound of the whole result: versions at or before `at`.
        var upper: Int64 = .max
        if let at = query.at {
            guard let last = try lastSequence(db, atOrBefore: at) else {
                return HistoryPage(entries: [], total: 0, nextCursor: nil)
            }
            upper = last
        }
        guard lower < upper else { return HistoryPage(entries: [], total: 0, nextCursor: nil) }

        let (countSQL, pageSQL, scopeArguments) = historySQL(query.scope)
        let countStatement = try db.cachedStatement(sql: countSQL)
        let total = try Int.fetchOne(
            countStatement, arguments: StatementArguments(scopeArguments + [lower, upper])) ?? 0

        // Clamped so that asking for one row more than the page cannot overflow.
        let count = min(max(query.count, 0), Int(Int32.max))
        var pageUpper = upper
        if let cursor = query.cursor {
            pageUpper = min(upper, cursor == .min ? .min : cursor - 1)
        }
        guard count > 0, lower < pageUpper else { return HistoryPage(entries: [], total: total, nextCursor: nil) }

        let pageStatement = try db.cachedStatement(sql: pageSQL)
        let rows = try Row.fetchCursor(
            pageStatement, arguments: StatementArguments(scopeArguments + [lower, pageUpper, count + 1]))
        var entries: [StoredResource] = []
        var lastSequence: Int64 = 0
        var hasMore = false
        while let row = try rows.next() {
            // The statement asks for one row more than the page: its presence means there is a next page.
            if entries.count == count {
                hasMore = true
                continue
            }
            entries.append(try StoredResource(row: row))
            lastSequence = row[7]
        }
        return HistoryPage(entries: entries, total: total, nextCursor: hasMore ? lastSequence : nil)
    }

    /// The SQL of a history scope: the total (arguments: scope, lower, upper bound of `seq`) and the page
    /// (scope, lower, upper, limit), and the scope's arguments.
    static func historySQL(
        _ scope: HistoryQuery.Scope
    ) -> (count: String, page: String, scopeArguments: [any DatabaseValueConvertible]) {
        let condition: String
        var index = ""
        let arguments: [any DatabaseValueConvertible]
        switch scope {
        case .system:
            condition = ""
            arguments = []
        case .type(let type):
            condition = "v.type = ? AND "
            arguments = [type]
        case .instance(let type, let id):
            // Without statistics SQLite would range over all versions of the type: name the index.
            condition = "v.type = ? AND v.id = ? AND "
            index = " INDEXED BY resource_version_by_resource"
            arguments = [type, id]
        }
        return (
            "SELECT count(*) FROM resource_version v\(index) WHERE \(condition)v.seq > ? AND v.seq <= ?",
            """
            SELECT \(StoredResource.selection) FROM resource_version v\(index)
            WHERE \(condition)v.seq > ? AND v.seq <= ? ORDER BY v.seq DESC LIMIT ?
            """,
            arguments)
    }

    static let lastSequenceSQL = """
        SELECT seq FROM resource_version WHERE last_updated <= ? ORDER BY last_updated DESC, seq DESC LIMIT 1
        """

    /// The `seq` of the last version written at or before `instant`, `nil` if none.
    private static func lastSequence(_ db: Database, atOrBefore instant: Date) throws -> Int64? {
        let statement = try db.cachedStatement(sql: lastSequenceSQL)
        return try Int64.fetchOne(statement, arguments: [instant.microsecondsSince1970])
    }
}
