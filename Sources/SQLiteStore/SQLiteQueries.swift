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

    /// The join of `resource r` to the row `v` of its current version and to that version's patient key `p`.
    /// The version is sought by the table's primary key `(patient, rid, version)`, named because SQLite would
    /// otherwise take the unique `(rid, version)` index and then seek the primary key as well.
    private static let currentVersion = """
        CROSS JOIN resource_version v INDEXED BY \(SQLiteSchema.versionPrimaryKey) ON \(versionOfResource) \
        CROSS JOIN patient_key p ON p.patient = v.patient
        """

    /// The join of a version `v` to its resource `r` and patient key `p`.
    private static let resourceOfVersion = """
        CROSS JOIN resource r ON r.rid = v.rid CROSS JOIN patient_key p ON p.patient = v.patient
        """

    /// Read by id: `type`, `id`.
    static let readSQL = "SELECT \(StoredResource.selection) FROM resource r \(currentVersion) WHERE r.type = ? AND r.id = ?"
    /// Read one version: `type`, `id`, `version`.
    static let vreadSQL = """
        SELECT \(StoredResource.selection) FROM resource r CROSS JOIN resource_version v ON v.rid = r.rid \
        CROSS JOIN patient_key p ON p.patient = v.patient WHERE r.type = ? AND r.id = ? AND v.version = ?
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

    /// One page of the current, non-deleted resources matching `query`, in its order, with their cursors.
    static func search(_ db: Database, _ query: SearchQuery) throws -> SearchPage {
        guard let compiled = searchSQL(query) else { return SearchPage(resources: [], cursors: [], hasMore: false) }
        let statement = try statement(db, compiled.sql, compiled.arguments.count)
        let rows = try Row.fetchCursor(statement, arguments: StatementArguments(compiled.arguments))
        var resources: [StoredResource] = []
        var cursors: [SearchCursor] = []
        var hasMore = false
        let sortCount = query.sort.count
        while let row = try rows.next() {
            // The statement asks for one row more than the limit: its presence means more follow.
            if let limit = query.limit, resources.count == limit {
                hasMore = true
                break
            }
            let resource = try StoredResource(row: row)
            var values: [SortValue?] = []
            values.reserveCapacity(sortCount)
            for index in 0..<sortCount {
                values.append(sortValue(row[8 + index] as DatabaseValue))
            }
            resources.append(resource)
            cursors.append(SearchCursor(values: values, type: resource.type, id: resource.id))
        }
        if case .before = query.page {
            // Fetched in reverse order (nearest the cursor first): back to the query's order.
            resources.reverse()
            cursors.reverse()
        }
        return SearchPage(resources: resources, cursors: cursors, hasMore: hasMore)
    }

    /// How many current, non-deleted resources match `query` (sort, limit and page ignored).
    static func count(_ db: Database, _ query: SearchQuery) throws -> Int {
        let (sql, arguments) = countSQL(query)
        return try Int.fetchOne(statement(db, sql, arguments.count), arguments: StatementArguments(arguments)) ?? 0
    }

    /// A prepared statement: cached per connection for the usual shapes (values are bound, so one shape is one
    /// SQL text), prepared for one use above ``cachedStatementArgumentLimit`` arguments (long `_id` lists).
    private static func statement(_ db: Database, _ sql: String, _ argumentCount: Int) throws -> Statement {
        argumentCount <= cachedStatementArgumentLimit ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
    }

    private static func sortValue(_ value: DatabaseValue) -> SortValue? {
        switch value.storage {
        case .null: nil
        case .int64(let int): .integer(int)
        case .double(let double): .real(double)
        case .string(let string): .text(string)
        case .blob(let data): .text(String(decoding: data, as: UTF8.self))
        }
    }

    private static func binding(_ value: SortValue) -> DatabaseValue {
        switch value {
        case .text(let text): text.databaseValue
        case .integer(let int): int.databaseValue
        case .real(let real): real.databaseValue
        }
    }

    /// The SQL of a count.
    static func countSQL(_ query: SearchQuery) -> (sql: String, arguments: [DatabaseValue]) {
        var compiler = SQLiteSearchCompiler()
        let (from, filter) = compiler.source(type: query.type, condition: query.condition, r: "r")
        let sql = SQLFragment("SELECT count(*) FROM ") + from + SQLFragment(" WHERE ") + filter
        return (sql.sql, sql.arguments)
    }

    /// The SQL and arguments of a search page, `nil` when the page is empty whatever the data (a limit of 0).
    ///
    /// Without sort keys the rows come in `resource`'s key order (type, id), which a search without a driver
    /// reads directly; a cursor is a row-value bound on that key. With sort keys the sort values are computed
    /// as columns `s0`, `s1`... of an inner query and the outer query orders by them (NULLs last in both
    /// directions), then type and id; a cursor becomes the lexicographic "after"/"before" condition on those
    /// columns. A page before a cursor is read in the reverse order and turned around by the caller. One row
    /// more than the limit is fetched to know whether more follow.
    static func searchSQL(_ query: SearchQuery) -> (sql: String, arguments: [DatabaseValue])? {
        if let limit = query.limit, limit <= 0 { return nil }
        var compiler = SQLiteSearchCompiler()
        let (from, filter) = compiler.source(type: query.type, condition: query.condition, r: "r")
        let backward: Bool
        let cursor: SearchCursor?
        switch query.page {
        case .first: backward = false; cursor = nil
        case .after(let c): backward = false; cursor = c
        case .before(let c): backward = true; cursor = c
        }
        var sql: SQLFragment
        if query.sort.isEmpty {
            sql = SQLFragment("SELECT \(StoredResource.selection) FROM ") + from
                + SQLFragment(" \(currentVersion) WHERE ") + filter
            if let cursor {
                sql += SQLFragment(" AND (r.type, r.id) \(backward ? "<" : ">") (?, ?)", [cursor.type, cursor.id])
            }
            sql.sql += backward ? " ORDER BY r.type DESC, r.id DESC" : " ORDER BY r.type, r.id"
        } else {
            var inner = SQLFragment("SELECT \(StoredResource.selection)")
            for (index, key) in query.sort.enumerated() {
                inner += SQLFragment(", ") + compiler.sortExpression(key, type: query.type, r: "r", v: "v")
                    + SQLFragment(" AS s\(index)")
            }
            inner += SQLFragment(" FROM ") + from + SQLFragment(" \(currentVersion) WHERE ") + filter
            sql = SQLFragment("SELECT * FROM (") + inner + SQLFragment(")")
            if let cursor {
                sql += SQLFragment(" WHERE ") + keysetCondition(query.sort, cursor, backward: backward)
            }
            var order: [String] = []
            for (index, key) in query.sort.enumerated() {
                // NULLs last in the query's order, so first when reading backwards.
                let descending = key.descending != backward
                order.append("(s\(index) IS NULL)\(backward ? " DESC" : "")")
                order.append("s\(index)\(descending ? " DESC" : "")")
            }
            order.append(backward ? "type DESC" : "type")
            order.append(backward ? "id DESC" : "id")
            sql.sql += " ORDER BY " + order.joined(separator: ", ")
        }
        if let limit = query.limit {
            // One more row than the page: its presence means more follow.
            sql += SQLFragment(" LIMIT ?", [min(limit, Int(Int32.max) - 1) + 1])
        }
        return (sql.sql, sql.arguments)
    }

    /// The rows strictly after (or, `backward`, before) `cursor` in the order of `sort` then type and id, over
    /// the columns `s0`, `s1`..., `type`, `id`: for some key, the keys before it are equal and it is
    /// strictly after. NULL sorts after every value in both directions.
    private static func keysetCondition(_ sort: [SortKey], _ cursor: SearchCursor, backward: Bool) -> SQLFragment {
        var alternatives: [SQLFragment] = []
        var equalPrefix: [SQLFragment] = []
        for (index, key) in sort.enumerated() {
            let column = "s\(index)"
            let value = index < cursor.values.count ? cursor.values[index] : nil
            let strict: SQLFragment
            let equal: SQLFragment
            if let value {
                let bound = binding(value)
                equal = SQLFragment("\(column) = ?", [bound])
                if backward {
                    strict = SQLFragment("\(column) \(key.descending ? ">" : "<") ?", [bound])
                } else {
                    strict = SQLFragment("(\(column) \(key.descending ? "<" : ">") ? OR \(column) IS NULL)", [bound])
                }
            } else {
                equal = SQLFragment("\(column) IS NULL")
                strict = backward ? SQLFragment("\(column) IS NOT NULL") : .false
            }
            alternatives.append(SQLFragment.join(equalPrefix + [strict], "AND", empty: .true))
            equalPrefix.append(equal)
        }
        let tie = SQLFragment("(type, id) \(backward ? "<" : ">") (?, ?)", [cursor.type, cursor.id])
        alternatives.append(SQLFragment.join(equalPrefix + [tie], "AND", empty: .true))
        return SQLFragment.join(alternatives, "OR", empty: .false)
    }

    /// The join condition of `resource r` to the row `v` of its current version, through the patient.
    private static let versionOfResource = "v.patient = r.patient AND v.rid = r.rid AND v.version = r.version"

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
            condition = "v.rid = (SELECT rid FROM resource WHERE type = ? AND id = ?) AND "
            index = " INDEXED BY resource_version_by_resource"
            arguments = [type, id]
        }
        return (
            "SELECT count(*) FROM resource_version v\(index) WHERE \(condition)v.seq > ? AND v.seq <= ?",
            """
            SELECT \(StoredResource.selection) FROM resource_version v\(index) \(resourceOfVersion)
            WHERE \(condition)v.seq > ? AND v.seq <= ? ORDER BY v.seq DESC LIMIT ?
            """,
            arguments)
    }

    /// Versions after `sequence` in `seq` order (`seq` is assigned by the single writer in commit order, and a
    /// reader sees whole commits only, so no smaller number can appear after a larger one was read).
    static func changes(_ db: Database, after sequence: Int64, limit: Int) throws -> [StoreChange] {
        let statement = try db.cachedStatement(sql: """
            SELECT \(StoredResource.selection) FROM resource_version v INDEXED BY resource_version_by_seq
            \(resourceOfVersion) WHERE v.seq > ? ORDER BY v.seq LIMIT ?
            """)
        let rows = try Row.fetchCursor(statement, arguments: [sequence, min(max(limit, 0), Int(Int32.max))])
        var changes: [StoreChange] = []
        while let row = try rows.next() {
            changes.append(StoreChange(sequence: row[7], resource: try StoredResource(row: row)))
        }
        return changes
    }

    /// The largest `seq` (0 when there is no version): one seek at the end of `resource_version_by_seq`.
    static func lastChangeSequence(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(seq) FROM resource_version")) ?? 0
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
