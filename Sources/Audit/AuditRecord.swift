import Foundation

/// One audited interaction (DOMAIN.md rule 8): who, which organisation, which patient, what, when, how.
///
/// The server builds one per interaction and hands it to an ``AuditLog``; the log renders it as a FHIR R4
/// `AuditEvent` following the IHE BALP shapes (``auditEvent()``), and that rendering is what is stored, chained
/// and served.
public struct AuditRecord: Sendable, Hashable {
    /// The event's id (a UUID string, time-ordered by default), also the `AuditEvent.id`.
    public var id: String
    /// When the interaction happened (`recorded`, `meta.lastUpdated`); kept to the microsecond.
    public var recorded: Date
    /// The REST interaction (the event's subtype).
    public var interaction: AuditInteraction
    /// C, R, U, D or E; by default the one BALP gives the interaction (``AuditInteraction/defaultAction``).
    public var action: AuditActionCode
    /// Success or the kind of failure.
    public var outcome: AuditOutcome
    /// What went wrong, for failures (`outcomeDesc`).
    public var outcomeDescription: String?
    /// Who asked.
    public var agent: AuditAgent
    /// The purposes of use the actor asserted (`agent.purposeOfUse`), e.g. ``AuditCoding/emergencyTreatment``.
    public var purposeOfUse: [AuditCoding]
    /// Whether this is an emergency access or the emergency override itself.
    public var emergency: AuditEmergency
    /// The ids of the patients whose record was touched (several for a population search).
    public var patientIDs: [String]
    /// The resources touched.
    public var entities: [AuditEntity]
    /// The query of a search, as received (`Observation?patient=x&code=...`), rendered base64 in a query entity.
    public var query: String?
    /// The operation's name for ``AuditInteraction/operation`` events (`$break-glass`, `$meta-add`, ...).
    public var operation: String?
    /// A free description (e.g. the reason given for an emergency access).
    public var description: String?
    /// The server that recorded the event.
    public var source: AuditSource
    /// The client's network address (IP), rendered on the client agent.
    public var remoteAddress: String?

    /// A record; `id` defaults to a new time-ordered UUID (``AuditEventID``), `recorded` to now and `action` to the
    /// interaction's default.
    public init(id: String? = nil, recorded: Date = Date(), interaction: AuditInteraction,
                action: AuditActionCode? = nil, outcome: AuditOutcome = .success, outcomeDescription: String? = nil,
                agent: AuditAgent, purposeOfUse: [AuditCoding] = [], emergency: AuditEmergency = .none,
                patientIDs: [String] = [], entities: [AuditEntity] = [], query: String? = nil,
                operation: String? = nil, description: String? = nil, source: AuditSource,
                remoteAddress: String? = nil) {
        self.id = id ?? AuditEventID.make(at: recorded)
        self.recorded = recorded
        self.interaction = interaction
        self.action = action ?? interaction.defaultAction
        self.outcome = outcome
        self.outcomeDescription = outcomeDescription
        self.agent = agent
        self.purposeOfUse = purposeOfUse
        self.emergency = emergency
        self.patientIDs = patientIDs
        self.entities = entities
        self.query = query
        self.operation = operation
        self.description = description
        self.source = source
        self.remoteAddress = remoteAddress
    }
}
