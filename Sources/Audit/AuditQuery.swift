/// A search of the audit trail: filters (all must hold), the actor's visibility scope, and a keyset page.
///
/// Pages are newest first (by sequence number, i.e. commit order).
public struct AuditQuery: Sendable, Hashable {
    /// What the actor may see; applied inside the backend's query.
    public var scope: AuditScope
    /// Only the event with this id (`AuditEvent/id` under a scope).
    public var id: String?
    /// Only events touching this patient's record (an id, or `Patient/id`).
    public var patient: String?
    /// Only events by this agent: a reference matched against the agent's `who`, their PractitionerRole or their
    /// Organization, according to its type (`Practitioner/p1`, `PractitionerRole/r1`, `Organization/o1`, ...).
    public var agent: String?
    /// Bounds on `recorded` (all must hold).
    public var dates: [AuditDateBound]
    /// Only events whose entities include this reference (`Type/id`; a version suffix is ignored).
    public var entity: String?
    /// Only events of this type (`http://terminology.hl7.org/CodeSystem/audit-event-type|rest`, `110113`, ...).
    public var type: AuditCodeFilter?
    /// Only events with this subtype (`read`, `http://hl7.org/fhir/restful-interaction|search-type`, `$break-glass`).
    public var subtype: AuditCodeFilter?
    /// Only events with this outcome.
    public var outcome: AuditOutcome?
    /// Only events with this action.
    public var action: AuditActionCode?
    /// The page size (clamped by the backend to at least 1 and at most ``maximumCount``).
    public var count: Int
    /// Where the page starts; nil for the newest events.
    public var cursor: AuditCursor?

    /// The largest page a backend returns.
    public static let maximumCount = 1000

    /// A query under `scope`; every filter is optional.
    public init(scope: AuditScope, id: String? = nil, patient: String? = nil, agent: String? = nil, dates: [AuditDateBound] = [],
                entity: String? = nil, type: AuditCodeFilter? = nil, subtype: AuditCodeFilter? = nil,
                outcome: AuditOutcome? = nil, action: AuditActionCode? = nil, count: Int = 50,
                cursor: AuditCursor? = nil) {
        self.scope = scope
        self.id = id
        self.patient = patient
        self.agent = agent
        self.dates = dates
        self.entity = entity
        self.type = type
        self.subtype = subtype
        self.outcome = outcome
        self.action = action
        self.count = count
        self.cursor = cursor
    }
}
