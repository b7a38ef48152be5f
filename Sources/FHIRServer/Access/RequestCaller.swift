/// Who is calling, as the HTTP layer learnt it from a verified bearer token: the FHIR layer turns it into an
/// ``Access/AccessActor`` (reading the PractitionerRole, RelatedPerson... it names) and applies the rules.
public struct RequestCaller: Sendable {
    /// The SMART interactions a scope can allow.
    public enum Interaction: Sendable, Hashable {
        case create, read, update, delete, search
    }

    /// The token's subject (account, client or operator), for the audit.
    public var subject: String
    /// `Patient/…`, `Practitioner/…` or `RelatedPerson/…`: whom the user signs in as; nil for a backend client.
    public var fhirUser: String?
    /// `PractitionerRole/…` a professional acts through, when the token names one.
    public var role: String?
    /// An operator token (`dossier token --admin`): full system access, audited.
    public var isOperator: Bool
    /// The OAuth client, when the token was issued to one.
    public var clientID: String?
    /// Whether the token's scopes allow an interaction on a resource type.
    public var allows: @Sendable (Interaction, String) -> Bool

    /// A caller.
    public init(subject: String, fhirUser: String?, role: String? = nil, isOperator: Bool = false, clientID: String? = nil,
                allows: @escaping @Sendable (Interaction, String) -> Bool = { _, _ in true }) {
        self.subject = subject
        self.fhirUser = fhirUser
        self.role = role
        self.isOperator = isOperator
        self.clientID = clientID
        self.allows = allows
    }
}
