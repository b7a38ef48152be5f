import Audit
import FHIRCore
import Foundation
import GRDB

/// Compiles an ``Audit/AuditQuery`` into one SQL statement and runs it: nothing is filtered in Swift.
///
/// The scope is a union of grants; each grant (or, for everything, the trail itself) becomes a branch
/// `SELECT seq ... ORDER BY seq DESC LIMIT n+1` driven by one index and probing every other condition, and the page
/// is the newest n+1 of the union (a branch's newest n+1 contain everything of it the page can need).
enum SQLiteAuditSearch {
    /// The page of `query`.
    static func page(_ db: Database, _ query: AuditQuery) throws -> AuditSearchPage {
        guard let (sql, arguments) = statement(for: query) else { return AuditSearchPage(events: [], next: nil) }
        let limit = pageSize(query)
        var events = try Row.fetchAll(db, sql: sql, arguments: arguments).map(storedEvent)
        var next: AuditCursor?
        if events.count > limit {
            events.removeLast(events.count - limit)
            next = events.last.map { AuditCursor(before: $0.sequence) }
        }
        return AuditSearchPage(events: events, next: next)
    }

    /// The statement for `query` (selecting `seq, id, json`, newest first, one row more than the page), or nil
    /// when the scope lets nothing be seen.
    static func statement(for query: AuditQuery) -> (String, StatementArguments)? {
        guard !query.scope.isEmpty else { return nil }
        let filters = filterConditions(query)
        let grants: [Condition?] = query.scope.isEverything ? [nil] : grantConditions(query.scope.grants).map(Optional.some)
        let limit = pageSize(query) + 1
        var branches: [String] = [], arguments: [DatabaseValue] = []
        for grant in grants {
            let conditions = filters + (grant.map { [$0] } ?? [])
            let (sql, values) = branch(conditions, before: query.cursor?.before, limit: limit)
            branches.append("SELECT seq FROM (\(sql))")
            arguments += values
        }
        let sql = """
            SELECT e.seq, e.id, e.json FROM (\(branches.joined(separator: " UNION "))) AS u
            CROSS JOIN audit_event AS e ON e.seq = u.seq
            ORDER BY u.seq DESC LIMIT ?
            """
        arguments.append(limit.databaseValue)
        return (sql, StatementArguments(arguments))
    }

    /// An event from a row with `seq`, `id` and `json`.
    static func storedEvent(_ row: Row) throws -> AuditStoredEvent {
        let bytes: Data = row["json"]
        do {
            return AuditStoredEvent(sequence: row["seq"], id: row["id"], event: try JSON.parse(bytes))
        } catch {
            throw AuditLogError(.unavailable, "audit event \(row["seq"] as Int64) is not valid JSON: \(error)")
        }
    }

    private static func pageSize(_ query: AuditQuery) -> Int {
        min(max(query.count, 1), AuditQuery.maximumCount)
    }

    /// One condition of a branch: what drives it when it is the most selective (`driver`), and its SQL predicate
    /// on `e` (an `audit_event` row) otherwise.
    private struct Condition {
        var driver: Driver?
        var predicate: String
        var values: [DatabaseValue]
    }

    /// How a branch reads its candidate events. Several values make one index read per value and a sort.
    private enum Driver: Equatable {
        /// The event of one id (its unique index).
        case id(String)
        /// `audit_patient` by patient id.
        case patient([String])
        /// `audit_entity` by reference.
        case entity(String)
        /// `audit_event_emergency`: organisations' emergency accesses.
        case emergency(organizations: [String])
        /// An agent, role or organisation index.
        case column(name: String, index: String, values: [String])
        /// `audit_event_by_recorded`, between two instants (µs).
        case recorded(low: Int64, high: Int64)

        /// Lower is more selective: the driver of a branch is the one of lowest rank, then fewest values.
        var rank: [Int] {
            switch self {
            case .id: [-1, 1]
            case .patient(let ids): [0, ids.count]
            case .entity: [1, 1]
            case .emergency(let organizations): [2, organizations.count]
            case .column(_, _, let values): [3, values.count]
            case .recorded: [4, 1]
            }
        }
    }

    /// Grants of one kind beyond this many share one branch (`IN (...)`, then a sort of their events), so that a
    /// scope of hundreds of patients stays one statement within SQLite's limit of compound terms.
    static let maximumSeparateBranches = 8

    private static func filterConditions(_ query: AuditQuery) -> [Condition] {
        var conditions: [Condition] = []
        if let id = query.id { conditions.append(Condition(driver: .id(id), predicate: "e.id = ?", values: [id.databaseValue])) }
        if let patient = query.patient { conditions.append(patientCondition([patientID(patient)])) }
        if let entity = query.entity {
            let reference = AuditEventKeys.unversioned(entity)
            conditions.append(Condition(
                driver: .entity(reference),
                predicate: "EXISTS (SELECT 1 FROM audit_entity AS ae WHERE ae.reference = ? AND ae.seq = e.seq)",
                values: [reference.databaseValue]))
        }
        if let agent = query.agent { conditions.append(agentCondition(agent)) }
        var low = Int64.min, high = Int64.max
        for bound in query.dates {
            let micros = AuditEventKeys.microseconds(bound.date)
            let (op, inclusiveLow, inclusiveHigh): (String, Int64?, Int64?) = switch bound.comparison {
            case .greaterOrEqual: (">=", micros, nil)
            case .greater: (">", micros == .max ? .max : micros + 1, nil)
            case .lessOrEqual: ("<=", nil, micros)
            case .less: ("<", nil, micros == .min ? .min : micros - 1)
            }
            if let inclusiveLow { low = max(low, inclusiveLow) }
            if let inclusiveHigh { high = min(high, inclusiveHigh) }
            conditions.append(Condition(driver: nil, predicate: "e.recorded \(op) ?", values: [micros.databaseValue]))
        }
        if low != .min, high != .max {
            conditions.append(Condition(driver: .recorded(low: low, high: high), predicate: "1", values: []))
        }
        if let type = query.type { conditions.append(codeCondition(column: "type", type)) }
        if let subtype = query.subtype { conditions.append(codeCondition(column: "subtype", subtype)) }
        if let outcome = query.outcome {
            conditions.append(Condition(driver: nil, predicate: "e.outcome = ?", values: [outcome.rawValue.databaseValue]))
        }
        if let action = query.action {
            conditions.append(Condition(driver: nil, predicate: "e.action = ?", values: [action.code.databaseValue]))
        }
        return conditions
    }

    /// The conditions of the grants, one per branch: each grant alone, or all grants of a kind together when
    /// there are more than ``maximumSeparateBranches`` of it.
    private static func grantConditions(_ grants: Set<AuditScope.Grant>) -> [Condition] {
        var patients: [String] = [], agents: [String] = [], organizations: [String] = []
        for grant in grants {
            switch grant {
            case .patientRecord(let patient): patients.append(patientID(patient))
            case .agent(let reference): agents.append(reference)
            case .emergencyAccesses(let organizationID): organizations.append("Organization/\(organizationID)")
            }
        }
        func grouped(_ values: [String], _ condition: ([String]) -> Condition) -> [Condition] {
            let values = Array(Set(values)).sorted()
            if values.isEmpty { return [] }
            return values.count > maximumSeparateBranches ? [condition(values)] : values.map { condition([$0]) }
        }
        return grouped(patients, patientCondition)
            + grouped(agents) { columnCondition(name: "agent", index: "audit_event_by_agent", values: $0) }
            + grouped(organizations, emergencyCondition)
    }

    private static func patientID(_ value: String) -> String {
        value.hasPrefix("Patient/") ? String(value.dropFirst("Patient/".count)) : value
    }

    /// `= ?` for one value, `IN (?, ...)` for several.
    private static func matching(_ count: Int) -> String {
        count == 1 ? "= ?" : "IN (" + Array(repeating: "?", count: count).joined(separator: ", ") + ")"
    }

    private static func patientCondition(_ patientIDs: [String]) -> Condition {
        Condition(driver: .patient(patientIDs),
                  predicate: "EXISTS (SELECT 1 FROM audit_patient AS ap WHERE ap.patient_id \(matching(patientIDs.count)) AND ap.seq = e.seq)",
                  values: patientIDs.map(\.databaseValue))
    }

    private static func columnCondition(name: String, index: String, values: [String]) -> Condition {
        Condition(driver: .column(name: name, index: index, values: values),
                  predicate: "e.\(name) \(matching(values.count))", values: values.map(\.databaseValue))
    }

    private static func emergencyCondition(_ organizations: [String]) -> Condition {
        Condition(driver: .emergency(organizations: organizations),
                  predicate: "(e.emergency = 1 AND e.organization \(matching(organizations.count)))",
                  values: organizations.map(\.databaseValue))
    }

    /// The agent filter: a PractitionerRole matches the role, an Organization the organisation, anything else
    /// the agent's `who`.
    private static func agentCondition(_ reference: String) -> Condition {
        if reference.hasPrefix("PractitionerRole/") {
            columnCondition(name: "role", index: "audit_event_by_role", values: [reference])
        } else if reference.hasPrefix("Organization/") {
            columnCondition(name: "organization", index: "audit_event_by_organization", values: [reference])
        } else {
            columnCondition(name: "agent", index: "audit_event_by_agent", values: [reference])
        }
    }

    /// A token filter on an encoded code list (`␟system|code␟...`): a substring test.
    private static func codeCondition(column: String, _ filter: AuditCodeFilter) -> Condition {
        let needle = if let system = filter.system {
            AuditEventKeys.separator + "\(system)|\(filter.code)" + AuditEventKeys.separator
        } else {
            "|\(filter.code)" + AuditEventKeys.separator
        }
        return Condition(driver: nil, predicate: "instr(e.\(column), ?) > 0", values: [needle.databaseValue])
    }

    /// One branch: the best driver among `conditions`, every condition as a predicate, newest first, `limit` rows.
    private static func branch(_ conditions: [Condition], before cursor: Int64?, limit: Int) -> (String, [DatabaseValue]) {
        let driver = conditions.compactMap(\.driver).min { $0.rank.lexicographicallyPrecedes($1.rank) }
        // The driver's own condition is answered by the index it reads: no need to probe it again per row.
        let probes = conditions.filter { $0.driver == nil || $0.driver != driver }
        var predicates = probes.map(\.predicate)
        var values: [DatabaseValue] = []
        let from: String, seq: String
        switch driver {
        case .id(let id):
            from = "audit_event AS e"
            seq = "e.seq"
            predicates.insert("e.id = ?", at: 0)
            values.append(id.databaseValue)
        case .patient(let patients):
            from = "audit_patient AS d CROSS JOIN audit_event AS e ON e.seq = d.seq"
            seq = "d.seq"
            predicates.insert("d.patient_id \(matching(patients.count))", at: 0)
            values += patients.map(\.databaseValue)
        case .entity(let reference):
            from = "audit_entity AS d CROSS JOIN audit_event AS e ON e.seq = d.seq"
            seq = "d.seq"
            predicates.insert("d.reference = ?", at: 0)
            values.append(reference.databaseValue)
        case .emergency(let organizations):
            from = "audit_event AS e INDEXED BY audit_event_emergency"
            seq = "e.seq"
            predicates.insert("e.emergency = 1 AND e.organization \(matching(organizations.count))", at: 0)
            values += organizations.map(\.databaseValue)
        case .column(let name, let index, let columnValues):
            from = "audit_event AS e INDEXED BY \(index)"
            seq = "e.seq"
            predicates.insert("e.\(name) \(matching(columnValues.count))", at: 0)
            values += columnValues.map(\.databaseValue)
        case .recorded(let low, let high):
            from = "audit_event AS e INDEXED BY audit_event_by_recorded"
            seq = "e.seq"
            predicates.insert("e.recorded BETWEEN ? AND ?", at: 0)
            values += [low.databaseValue, high.databaseValue]
        case nil:
            from = "audit_event AS e"
            seq = "e.seq"
        }
        for condition in probes { values += condition.values }
        if let cursor {
            predicates.append("\(seq) < ?")
            values.append(cursor.databaseValue)
        }
        let whereClause = predicates.filter { $0 != "1" }
        let sql = "SELECT \(seq) AS seq FROM \(from)"
            + (whereClause.isEmpty ? "" : " WHERE " + whereClause.joined(separator: " AND "))
            + " ORDER BY \(seq) DESC LIMIT \(limit)"
        return (sql, values)
    }
}
