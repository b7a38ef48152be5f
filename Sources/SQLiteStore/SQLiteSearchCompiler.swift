import FHIRCore
import GRDB
import Store

/// A piece of SQL with its bound arguments, in textual order: fragments concatenate without losing the order.
struct SQLFragment {
    var sql: String
    var arguments: [DatabaseValue]

    init(_ sql: String, _ arguments: [DatabaseValue] = []) { self.sql = sql; self.arguments = arguments }
    init(_ sql: String, _ arguments: [any DatabaseValueConvertible]) {
        self.sql = sql; self.arguments = arguments.map(\.databaseValue)
    }

    static let `true` = SQLFragment("1")
    static let `false` = SQLFragment("0")

    static func + (lhs: SQLFragment, rhs: SQLFragment) -> SQLFragment {
        SQLFragment(lhs.sql + rhs.sql, lhs.arguments + rhs.arguments)
    }

    static func += (lhs: inout SQLFragment, rhs: SQLFragment) { lhs = lhs + rhs }

    /// The fragments joined by `separator` (each in parentheses), or `empty` when there are none.
    static func join(_ parts: [SQLFragment], _ separator: String, empty: SQLFragment) -> SQLFragment {
        guard !parts.isEmpty else { return empty }
        if parts.count == 1 { return parts[0] }
        var out = SQLFragment("(")
        for (index, part) in parts.enumerated() {
            if index > 0 { out.sql += " \(separator) " }
            out += SQLFragment("(") + part + SQLFragment(")")
        }
        return out + SQLFragment(")")
    }

    /// `?, ?, ?` for `values`.
    static func list(_ values: [String]) -> SQLFragment {
        SQLFragment(Array(repeating: "?", count: values.count).joined(separator: ", "), values.map(\.databaseValue))
    }
}

/// Compiles a ``Store/SearchCondition`` into one SQL statement over the schema of ``SQLiteSchema``.
///
/// **Strategy.** A resource row `r` (`resource`, one row per `(type, id)`, keyed by its integer `rid`) is the
/// subject of every predicate. The most selective top-level conjunct that can be answered from an index (ids,
/// patient key, a reference target, a token code, an exact or prefix string, then ranges; chains and reverse
/// chains whose own condition has such a conjunct) becomes the *driver*: a subquery yielding `rid` that is joined
/// first (`CROSS JOIN` fixes the join order) to `resource` by its primary key. Every other conjunct becomes a
/// correlated `EXISTS` probe of an index table by its primary key `(patient, rid, param, ...)`
/// (the value columns of a probe are written `+e.code`, which keeps SQLite from answering it through the
/// table's value index: the probe reads only the resource's own few entries of that parameter). A parameter is
/// stored under the integer `search_param` gives its `(type, code)`; the compiler names it by a subquery
/// (``paramIs(_:_:)``), which SQLite evaluates once per statement.
/// AND, OR and NOT nest as SQL boolean expressions; OR of drivable conditions drives as a `UNION`. Without a
/// driver the type's range of `resource` is read in key order (which also serves the default order with a
/// limit). Nothing is filtered in Swift afterwards.
struct SQLiteSearchCompiler {
    private var aliasCounter = 0

    /// A fresh table alias.
    private mutating func alias(_ prefix: String) -> String {
        aliasCounter += 1
        return "\(prefix)\(aliasCounter)"
    }

    // MARK: Statements

    /// The FROM and WHERE of the resources of `type` matching `condition`, with `r` as the resource alias.
    mutating func source(type: String?, condition: SearchCondition, r: String) -> (from: SQLFragment, filter: SQLFragment) {
        let conjuncts = Self.flatten(condition)
        var best: (index: Int, driver: Driver)?
        for (index, conjunct) in conjuncts.enumerated() {
            guard let driver = driver(conjunct, type: type) else { continue }
            if best == nil || driver.rank < best!.driver.rank { best = (index, driver) }
        }
        var from = SQLFragment("")
        if let best {
            let d = alias("d")
            from += SQLFragment("(") + best.driver.sql + SQLFragment(") \(d) CROSS JOIN resource \(r) ON \(r).rid = \(d).rid")
        } else {
            from.sql = "resource \(r)"
        }
        var filters = [SQLFragment("\(r).deleted = 0")]
        if let type { filters.append(SQLFragment("\(r).type = ?", [type])) }
        for (index, conjunct) in conjuncts.enumerated() {
            if let best, best.index == index, best.driver.exact { continue }
            filters.append(predicate(conjunct, on: r, type: type))
        }
        return (from, SQLFragment.join(filters, "AND", empty: .true))
    }

    /// `SELECT patient, rid, type, id` of the live resources of `type` matching `condition` (for chains).
    private mutating func resourceSet(type: String?, condition: SearchCondition) -> SQLFragment {
        let r = alias("r")
        let (from, filter) = source(type: type, condition: condition, r: r)
        return SQLFragment("SELECT \(r).patient AS patient, \(r).rid AS rid, \(r).type AS type, \(r).id AS id FROM ")
            + from + SQLFragment(" WHERE ") + filter
    }

    /// The condition that a `param` column holds the search parameter `code` of `type` (`= (SELECT ...)`), or
    /// of any type when `type` is `nil` (`IN (SELECT ...)`): to follow with the column's name.
    static func paramIs(_ type: String?, _ code: String) -> SQLFragment {
        if let type {
            SQLFragment(" = (SELECT param FROM search_param WHERE type = ? AND code = ?)", [type, code])
        } else {
            SQLFragment(" IN (SELECT param FROM search_param WHERE code = ?)", [code])
        }
    }

    /// Flattens nested ANDs into one list of conjuncts.
    static func flatten(_ condition: SearchCondition) -> [SearchCondition] {
        if case .all(let parts) = condition { return parts.flatMap(flatten) }
        return [condition]
    }

    // MARK: Drivers

    /// A subquery selecting the `rid` of (a superset of, unless `exact`) the resources matching a condition.
    struct Driver {
        var sql: SQLFragment
        /// Lower is more selective.
        var rank: Int
        /// Whether the subquery yields exactly the matching resources (the condition need not be probed again).
        var exact: Bool
    }

    private static let emptyDriver = Driver(sql: SQLFragment("SELECT NULL AS rid WHERE 0"), rank: 0, exact: true)

    private mutating func driver(_ condition: SearchCondition, type: String?) -> Driver? {
        switch condition {
        case .ids(let ids):
            guard !ids.isEmpty else { return Self.emptyDriver }
            var sql = SQLFragment("SELECT rid FROM resource WHERE ")
            if let type { sql += SQLFragment("type = ? AND ", [type]) }
            return Driver(sql: sql + SQLFragment("id IN (") + .list(ids) + SQLFragment(")"), rank: 0, exact: true)
        case .patientRecord(let keys):
            guard !keys.isEmpty else { return Self.emptyDriver }
            // Versions, so a resource that moved away appears too: the key is probed again on `resource`.
            // A whole record is large: any reference, token or exact string match of the query drives better
            // (the access filters add this to every patient-scoped search), so it ranks after them.
            var sql = SQLFragment("SELECT DISTINCT rid FROM resource_version WHERE patient IN (")
                + Self.patients(keys) + SQLFragment(")")
            if let type { sql += SQLFragment(" AND type = ?", [type]) }
            return Driver(sql: sql, rank: 5, exact: false)
        case .match(let param, let match):
            guard let rank = Self.driverRank(match) else { return nil }
            let (table, storedParam) = Self.table(of: match, param: param)
            let e = alias("e")
            let sql = SQLFragment("SELECT DISTINCT \(e).rid AS rid FROM \(table) \(e) WHERE \(e).param")
                + Self.paramIs(type, storedParam) + SQLFragment(" AND ")
                + valuePredicate(match, Columns(alias: e, table: table))
            return Driver(sql: sql, rank: rank, exact: true)
        case .composite(let param, let matches):
            guard let first = matches.first, case .token(let token) = first, token.code != nil else { return nil }
            let c0 = alias("c")
            let sql = SQLFragment("SELECT DISTINCT \(c0).rid AS rid FROM ")
                + compositeBody(param, matches, first: c0, type: type)
            return Driver(sql: sql, rank: 3, exact: true)
        case .chain(let param, let targetType, let inner):
            guard let innerDriver = bestDriver(inner, type: targetType) else { return nil }
            let t = alias("t"), ri = alias("ri")
            let sql = SQLFragment("SELECT DISTINCT \(ri).rid AS rid FROM (") + resourceSet(type: targetType, condition: inner)
                + SQLFragment(") \(t) CROSS JOIN reference_index \(ri) ON \(ri).param") + Self.paramIs(type, param)
                + SQLFragment(" AND \(ri).target_id = \(t).id AND \(ri).target_type = \(t).type WHERE \(ri).url = ''")
            return Driver(sql: sql, rank: innerDriver.rank + 1, exact: true)
        case .reverseChain(let sourceType, let param, let inner):
            guard let innerDriver = bestDriver(inner, type: sourceType) else { return nil }
            let s = alias("s"), ri = alias("ri"), tr = alias("r")
            var sql = SQLFragment("SELECT DISTINCT \(tr).rid AS rid FROM (") + resourceSet(type: sourceType, condition: inner)
                + SQLFragment("""
                ) \(s) CROSS JOIN reference_index \(ri) ON \(ri).patient = \(s).patient AND \(ri).rid = \(s).rid \
                AND \(ri).param
                """) + Self.paramIs(sourceType, param)
                + SQLFragment("""
                 CROSS JOIN resource \(tr) ON \(tr).type = \(ri).target_type AND \(tr).id = \(ri).target_id \
                WHERE \(ri).url = '' AND \(ri).target_id <> ''
                """)
            if let type { sql += SQLFragment(" AND \(ri).target_type = ?", [type]) }
            return Driver(sql: sql, rank: innerDriver.rank + 1, exact: true)
        case .all(let parts):
            guard !parts.isEmpty, var best = bestDriver(condition, type: type) else { return nil }
            best.exact = best.exact && parts.count == 1
            return best
        case .any(let parts):
            guard !parts.isEmpty else { return Self.emptyDriver }
            var drivers: [Driver] = []
            for part in parts {
                guard let driver = driver(part, type: type) else { return nil }
                drivers.append(driver)
            }
            if drivers.count == 1 { return drivers[0] }
            var sql = SQLFragment("")
            for (index, driver) in drivers.enumerated() {
                if index > 0 { sql.sql += " UNION " }
                sql += SQLFragment("SELECT rid FROM (") + driver.sql + SQLFragment(")")
            }
            return Driver(sql: sql, rank: drivers.map(\.rank).max()! + 1, exact: drivers.allSatisfy(\.exact))
        case .not, .types, .lastUpdated, .missing:
            return nil
        }
    }

    /// The most selective driver among the conjuncts of `condition`.
    private mutating func bestDriver(_ condition: SearchCondition, type: String?) -> Driver? {
        var best: Driver?
        for conjunct in Self.flatten(condition) {
            guard let driver = driver(conjunct, type: type) else { continue }
            if best == nil || driver.rank < best!.rank { best = driver }
        }
        return best
    }

    /// How selective a value match is when it drives a search through its table's secondary index; `nil` when
    /// it would read the parameter's whole range (then probing is better).
    private static func driverRank(_ match: ValueMatch) -> Int? {
        switch match {
        case .token(let token), .referenceIdentifier(let token): token.code == nil ? nil : 3
        case .identifierOfType: 3
        case .tokenText: nil
        case .string(let value, let mode):
            switch mode {
            case .exact: 3
            case .startsWith: SearchText.normalize(value).isEmpty ? nil : 4
            case .contains: nil
            }
        case .uri(_, let mode):
            switch mode {
            case .exact: 3
            case .below: 4
            case .above: nil
            }
        case .reference(let reference):
            switch reference {
            case .local, .url: 2
            case .anyOfType: nil
            }
        case .quantity(let comparison, _, _, let code, _): comparison == .ne ? nil : code == nil ? 6 : 5
        case .date(let comparison, _), .number(let comparison, _): comparison == .ne ? nil : 6
        }
    }

    // MARK: Predicates

    /// A boolean expression over the resource row `r` (columns `rid`, `patient`, `type`, `id`, `version`), of
    /// resource type `type` when known.
    mutating func predicate(_ condition: SearchCondition, on r: String, type: String?) -> SQLFragment {
        switch condition {
        case .all(let parts):
            return .join(parts.map { predicate($0, on: r, type: type) }, "AND", empty: .true)
        case .any(let parts):
            return .join(parts.map { predicate($0, on: r, type: type) }, "OR", empty: .false)
        case .not(let inner):
            return SQLFragment("NOT (") + predicate(inner, on: r, type: type) + SQLFragment(")")
        case .ids(let ids):
            guard !ids.isEmpty else { return .false }
            return SQLFragment("\(r).id IN (") + .list(ids) + SQLFragment(")")
        case .types(let types):
            guard !types.isEmpty else { return .false }
            return SQLFragment("\(r).type IN (") + .list(types) + SQLFragment(")")
        case .patientRecord(let keys):
            guard !keys.isEmpty else { return .false }
            return SQLFragment("\(r).patient IN (") + Self.patients(keys) + SQLFragment(")")
        case .lastUpdated(let comparison, let range):
            let lv = alias("lv")
            return SQLFragment("""
                EXISTS (SELECT 1 FROM resource_version \(lv) INDEXED BY \(SQLiteSchema.versionPrimaryKey) WHERE \(lv).patient = \(r).patient \
                AND \(lv).rid = \(r).rid AND \(lv).version = \(r).version AND 
                """) + Self.dateComparison(comparison, range, low: "\(lv).last_updated", high: "\(lv).last_updated")
                + SQLFragment(")")
        case .match(let param, let match):
            let (table, storedParam) = Self.table(of: match, param: param)
            let e = alias("e")
            return SQLFragment("EXISTS (SELECT 1 FROM \(table) \(e) WHERE ") + Self.sameResource(e, r)
                + SQLFragment(" AND \(e).param") + Self.paramIs(type, storedParam) + SQLFragment(" AND ")
                + valuePredicate(match, Columns(alias: e, table: table, probe: true)) + SQLFragment(")")
        case .composite(let param, let matches):
            guard !matches.isEmpty else {
                return predicate(.missing(param: param, type: .composite, missing: false), on: r, type: type)
            }
            let c0 = alias("c")
            return SQLFragment("EXISTS (SELECT 1 FROM ") + compositeBody(param, matches, first: c0, type: type, probe: true)
                + SQLFragment(" AND ") + Self.sameResource(c0, r) + SQLFragment(")")
        case .missing(let param, let paramType, let missing):
            let tables = Self.tables(of: paramType)
            var exists: [SQLFragment] = []
            for table in tables {
                let e = alias("e")
                exists.append(SQLFragment("EXISTS (SELECT 1 FROM \(table) \(e) WHERE ")
                    + Self.sameResource(e, r) + SQLFragment(" AND \(e).param") + Self.paramIs(type, param)
                    + SQLFragment(")"))
            }
            let any = SQLFragment.join(exists, "OR", empty: .false)
            return missing ? SQLFragment("NOT ") + any : any
        case .chain(let param, let targetType, let inner):
            let ri = alias("ri"), t = alias("r")
            return SQLFragment("""
                EXISTS (SELECT 1 FROM reference_index \(ri) CROSS JOIN resource \(t) \
                ON \(t).type = \(ri).target_type AND \(t).id = \(ri).target_id WHERE 
                """) + Self.sameResource(ri, r) + SQLFragment(" AND \(ri).param") + Self.paramIs(type, param)
                + SQLFragment(" AND \(ri).url = '' AND \(ri).target_type = ? AND \(t).deleted = 0 AND ", [targetType])
                + predicate(inner, on: t, type: targetType) + SQLFragment(")")
        case .reverseChain(let sourceType, let param, let inner):
            let ri = alias("ri"), s = alias("r")
            return SQLFragment("""
                EXISTS (SELECT 1 FROM reference_index \(ri) INDEXED BY reference_index_by_target CROSS JOIN resource \(s) \
                ON \(s).rid = \(ri).rid WHERE \(ri).param
                """) + Self.paramIs(sourceType, param) + SQLFragment("""
                 AND \(ri).target_id = \(r).id AND \(ri).target_type = \(r).type AND \(ri).url = '' \
                AND \(s).deleted = 0 AND 
                """) + predicate(inner, on: s, type: sourceType) + SQLFragment(")")
        }
    }

    /// `e` is an index row of the resource row `r`.
    private static func sameResource(_ e: String, _ r: String) -> SQLFragment {
        SQLFragment("\(e).patient = \(r).patient AND \(e).rid = \(r).rid")
    }

    /// The integers of the patient keys `keys` (a subquery; an unknown key has none).
    private static func patients(_ keys: [String]) -> SQLFragment {
        SQLFragment("SELECT patient FROM patient_key WHERE key IN (") + .list(keys) + SQLFragment(")")
    }

    /// `composite_index c0 [CROSS JOIN composite_index c1 ON same occurrence ...] WHERE c0.param = ? AND
    /// c0.component = 0 AND <component matches>` (open: the caller may append `AND ...`).
    private mutating func compositeBody(
        _ param: String, _ matches: [ValueMatch], first c0: String, type: String?, probe: Bool = false
    ) -> SQLFragment {
        var from = SQLFragment("composite_index \(c0)")
        var filter = SQLFragment(" WHERE \(c0).param") + Self.paramIs(type, param)
            + SQLFragment(" AND \(c0).component = 0 AND ")
            + valuePredicate(matches[0], Columns(alias: c0, table: "composite_index", component: matches[0], probe: probe))
        for (index, match) in matches.enumerated().dropFirst() {
            let c = alias("c")
            from += SQLFragment("""
                 CROSS JOIN composite_index \(c) ON \(c).patient = \(c0).patient \
                AND \(c).rid = \(c0).rid AND \(c).param = \(c0).param \
                AND \(c).occurrence = \(c0).occurrence AND \(c).component = \(index)
                """)
            filter += SQLFragment(" AND ") + valuePredicate(match, Columns(alias: c, table: "composite_index", component: match, probe: true))
        }
        return from + filter
    }

    // MARK: Values

    /// The index table of a match kind, and the parameter code its entries are stored under.
    static func table(of match: ValueMatch, param: String) -> (table: String, param: String) {
        switch match {
        case .token: ("token_index", param)
        case .tokenText: ("token_index", SQLiteIndexWriter.tokenParam(param, modifier: "text"))
        case .identifierOfType: ("token_index", SQLiteIndexWriter.tokenParam(param, modifier: "of-type"))
        case .referenceIdentifier: ("token_index", SQLiteIndexWriter.tokenParam(param, modifier: "identifier"))
        case .string: ("string_index", param)
        case .date: ("date_index", param)
        case .number: ("number_index", param)
        case .quantity: ("quantity_index", param)
        case .reference: ("reference_index", param)
        case .uri: ("uri_index", param)
        }
    }

    /// The tables holding entries of a parameter type (for `:missing`; `special` may be indexed as anything).
    static func tables(of type: SearchParameterType) -> [String] {
        switch type {
        case .token: ["token_index"]
        case .string: ["string_index"]
        case .date: ["date_index"]
        case .number: ["number_index"]
        case .quantity: ["quantity_index"]
        case .reference: ["reference_index"]
        case .uri: ["uri_index"]
        case .composite: ["composite_index"]
        case .special: SQLiteIndexWriter.tables
        }
    }

    /// The role of a column in a value predicate.
    enum Role { case system, code, normalized, exact, low, high, value, unit, targetType, targetID, url, version, uri, canonical }

    /// Names the columns of an index row: the kind tables' own columns, or the generic columns of a composite
    /// component (mapping in ``SQLiteSchema``).
    struct Columns {
        var alias: String
        var table: String
        var component: ValueMatch? = nil
        /// Written `+alias.column` so that SQLite does not seek the value through a secondary index (probes).
        var probe = false

        /// Whether these are the generic columns of a composite component.
        var isComponent: Bool { component != nil }

        func callAsFunction(_ role: Role) -> String {
            (probe ? "+" : "") + name(role)
        }

        private func name(_ role: Role) -> String {
            guard let component else {
                let name = switch role {
                case .targetType: "target_type"
                case .targetID: "target_id"
                case .version: "target_version"
                default: "\(role)"
                }
                return "\(alias).\(name)"
            }
            let name: String
            switch (component, role) {
            case (_, .system), (_, .normalized), (_, .targetType), (_, .uri): name = "s1"
            case (_, .code), (_, .exact), (_, .targetID): name = "s2"
            case (_, .unit), (_, .url): name = "s3"
            case (_, .version), (_, .canonical): name = "s4"
            case (.date, .low): name = "n1"
            case (.date, .high): name = "n2"
            case (_, .value): name = "n1"
            case (_, .low): name = "n2"
            case (_, .high): name = "n3"
            }
            return "\(alias).\(name)"
        }
    }

    /// The condition on one index row for `match`.
    private func valuePredicate(_ match: ValueMatch, _ c: Columns) -> SQLFragment {
        switch match {
        case .token(let token), .referenceIdentifier(let token):
            return Self.token(token, c)
        case .tokenText(let text):
            return SQLFragment("instr(\(c(.code)), ?) > 0", [SearchText.normalize(text)])
        case .identifierOfType(let typeSystem, let typeCode, let value):
            var sql = SQLFragment("\(c(.code)) = ?", [typeCode + SQLiteIndexWriter.ofTypeSeparator + value])
            if let typeSystem { sql += SQLFragment(" AND \(c(.system)) = ?", [typeSystem]) }
            return sql
        case .string(let value, let mode):
            switch mode {
            case .startsWith:
                let prefix = SearchText.normalize(value)
                guard !prefix.isEmpty else { return .true }
                return Self.prefix(c(.normalized), prefix)
            case .exact:
                return SQLFragment("\(c(.normalized)) = ? AND \(c(.exact)) = ?", [SearchText.normalize(value), value])
            case .contains:
                return SQLFragment("instr(\(c(.normalized)), ?) > 0", [SearchText.normalize(value)])
            }
        case .date(let comparison, let range):
            return Self.dateComparison(comparison, range, low: c(.low), high: c(.high))
        case .number(let comparison, let range):
            return Self.numberComparison(comparison, range, value: c(.value))
        case .quantity(let comparison, let range, let system, let code, let canonical):
            var sql = Self.numberComparison(comparison, range, value: c(.value))
            sql += c.isComponent
                ? SQLFragment(" AND \(c(.canonical)) = ?", [canonical ? "1" : ""])
                : SQLFragment(" AND \(c(.canonical)) = ?", [canonical])
            if let system {
                sql += SQLFragment(" AND \(c(.system)) = ?", [system])
                if let code { sql += SQLFragment(" AND \(c(.code)) = ?", [code]) }
            } else if let code {
                sql += SQLFragment(" AND (\(c(.code)) = ? OR \(c(.unit)) = ?)", [code, code])
            }
            return sql
        case .reference(let reference):
            switch reference {
            case .local(let type, let id, let version):
                var sql = SQLFragment("\(c(.targetID)) = ?", [id])
                if let type { sql += SQLFragment(" AND \(c(.targetType)) = ?", [type]) }
                sql.sql += " AND \(c(.url)) = ''"
                if let version { sql += SQLFragment(" AND \(c(.version)) = ?", [version]) }
                return sql
            case .url(let url, let version):
                var sql = SQLFragment("\(c(.url)) = ?", [url])
                if let version { sql += SQLFragment(" AND \(c(.version)) = ?", [version]) }
                return sql
            case .anyOfType(let type):
                return SQLFragment("\(c(.targetType)) = ? AND \(c(.url)) = '' AND \(c(.targetID)) <> ''", [type])
            }
        case .uri(let uri, let mode):
            switch mode {
            case .exact: return SQLFragment("\(c(.uri)) = ?", [uri])
            case .below: return Self.prefix(c(.uri), uri)
            case .above:
                // The entry is a prefix of the value, so it sorts at or before it.
                return SQLFragment("\(c(.uri)) <= ? AND substr(?, 1, length(\(c(.uri)))) = \(c(.uri))", [uri, uri])
            }
        }
    }

    /// `column` starts with `prefix`, as a range the index can seek (`< prefix + U+10FFFF` bounds every text
    /// starting with the prefix in SQLite's binary order), checked exactly with `substr` (which counts code
    /// points, hence `unicodeScalars.count`, not Swift's grapheme count).
    private static func prefix(_ column: String, _ prefix: String) -> SQLFragment {
        SQLFragment("\(column) >= ? AND \(column) < ? AND substr(\(column), 1, ?) = ?",
                    [prefix, prefix + "\u{10FFFF}", prefix.unicodeScalars.count, prefix])
    }

    private static func token(_ token: TokenValue, _ c: Columns) -> SQLFragment {
        var parts: [SQLFragment] = []
        if let code = token.code { parts.append(SQLFragment("\(c(.code)) = ?", [code])) }
        switch token.system {
        case .any: break
        case .none: parts.append(SQLFragment("\(c(.system)) = ''"))
        case .exactly(let system): parts.append(SQLFragment("\(c(.system)) = ?", [system]))
        }
        guard !parts.isEmpty else { return .true }
        var out = parts[0]
        for part in parts.dropFirst() { out += SQLFragment(" AND ") + part }
        return out
    }

    /// The date comparison of ``Store/Comparison`` between the entry range `[low, high]` and `range`.
    static func dateComparison(_ comparison: Comparison, _ range: DateRange, low: String, high: String) -> SQLFragment {
        let ql = range.low, qh = range.high
        let eq = SQLFragment("(\(low) >= ? AND \(high) <= ?)", [ql, qh])
        switch comparison {
        case .eq: return eq
        case .ne: return SQLFragment("NOT ") + eq
        case .gt: return SQLFragment("\(high) > ?", [qh])
        case .lt: return SQLFragment("\(low) < ?", [ql])
        case .ge: return SQLFragment("(\(high) > ? OR ", [qh]) + eq + SQLFragment(")")
        case .le: return SQLFragment("(\(low) < ? OR ", [ql]) + eq + SQLFragment(")")
        case .sa: return SQLFragment("\(low) > ?", [qh])
        case .eb: return SQLFragment("\(high) < ?", [ql])
        case .ap: return SQLFragment("(\(low) <= ? AND \(high) >= ?)", [qh, ql])
        }
    }

    /// The number comparison of ``Store/Comparison`` between the entry's `value` and `range`.
    static func numberComparison(_ comparison: Comparison, _ range: NumberRange, value v: String) -> SQLFragment {
        switch comparison {
        case .eq, .ap: SQLFragment("(\(v) >= ? AND \(v) <= ?)", [range.low, range.high])
        case .ne: SQLFragment("NOT (\(v) >= ? AND \(v) <= ?)", [range.low, range.high])
        case .gt: SQLFragment("\(v) > ?", [range.value])
        case .lt: SQLFragment("\(v) < ?", [range.value])
        case .ge: SQLFragment("\(v) >= ?", [range.value])
        case .le: SQLFragment("\(v) <= ?", [range.value])
        case .sa: SQLFragment("\(v) > ?", [range.high])
        case .eb: SQLFragment("\(v) < ?", [range.low])
        }
    }

    // MARK: Sorting

    /// The sort value of `key` for the resource row `r` and its version row `v`: a column, or the smallest
    /// (ascending) or largest (descending) entry of the parameter; NULL when the resource has none.
    mutating func sortExpression(_ key: SortKey, type: String?, r: String, v: String) -> SQLFragment {
        switch key.field {
        case .id: return SQLFragment("\(r).id")
        case .lastUpdated: return SQLFragment("\(v).last_updated")
        case .param(let param, let paramType):
            let e = alias("e")
            let table: String, column: String
            switch paramType {
            case .date, .number, .quantity:
                table = Self.tables(of: paramType)[0]; column = key.descending ? "\(e).high" : "\(e).low"
            case .string: table = "string_index"; column = "\(e).normalized"
            case .token: table = "token_index"; column = "\(e).code"
            case .uri: table = "uri_index"; column = "\(e).uri"
            case .reference:
                table = "reference_index"
                column = "CASE WHEN \(e).url <> '' THEN \(e).url ELSE \(e).target_type || '/' || \(e).target_id END"
            case .composite, .special:
                return SQLFragment("NULL")
            }
            let aggregate = key.descending ? "max" : "min"
            // Quantities sort on their values as written (canonical entries are for matching across units).
            let asWritten = paramType == .quantity ? " AND \(e).canonical = 0" : ""
            return SQLFragment("(SELECT \(aggregate)(\(column)) FROM \(table) \(e) WHERE ")
                + Self.sameResource(e, r) + SQLFragment(" AND \(e).param") + Self.paramIs(type, param)
                + SQLFragment("\(asWritten))")
        }
    }
}
