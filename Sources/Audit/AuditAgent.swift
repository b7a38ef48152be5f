/// Who performed an interaction: the requesting person or system, as the access layer identified them.
public struct AuditAgent: Sendable, Hashable {
    /// The actor's reference: `Practitioner/p1`, `Patient/x`, `RelatedPerson/r`, or `Device/...` for an operator
    /// or a backend client.
    public var who: String
    /// The `PractitionerRole/...` a professional acted through.
    public var role: String?
    /// The `Organization/...` the professional acted for.
    public var organization: String?
    /// The profession (e.g. `http://terminology.hl7.org/CodeSystem/practitioner-role|doctor`).
    public var profession: AuditCoding?
    /// The OAuth client (application) the request came through.
    public var clientID: String?
    /// A display name for the actor, when known.
    public var name: String?

    /// An agent; only `who` is required.
    public init(who: String, role: String? = nil, organization: String? = nil, profession: AuditCoding? = nil,
                clientID: String? = nil, name: String? = nil) {
        self.who = who
        self.role = role
        self.organization = organization
        self.profession = profession
        self.clientID = clientID
        self.name = name
    }
}
