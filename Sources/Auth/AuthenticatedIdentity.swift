import Foundation

/// Who a verified bearer token says is calling, and with which rights: what the auth middleware puts into the
/// request context and what the access layer decides on.
public struct AuthenticatedIdentity: Sendable, Hashable {
    /// The token's `sub`: an account's username, a backend client's id, or the actor of an operator token.
    public var subject: String
    /// The FHIR resource the user signs in as (`Patient/…`, `Practitioner/…`, `RelatedPerson/…`).
    public var fhirUser: ActorReference?
    /// The PractitionerRole a professional acts through.
    public var role: ActorReference?
    /// The patient in context (`launch/patient`, or the patient of `patient/` scopes).
    public var patient: ActorReference?
    /// The granted scopes.
    public var scopes: ScopeSet
    /// Full system access (operator `--admin` tokens).
    public var isAdmin: Bool
    /// The client the token was issued to, if any.
    public var clientID: String?
    /// The token's `jti`.
    public var tokenID: String
    /// The issuer that signed the token (this server or a configured external provider).
    public var issuer: String
    /// When the token expires.
    public var expiresAt: Date

    /// An identity from its parts.
    public init(subject: String, fhirUser: ActorReference?, role: ActorReference?, patient: ActorReference?, scopes: ScopeSet,
                isAdmin: Bool, clientID: String?, tokenID: String, issuer: String, expiresAt: Date) {
        self.subject = subject
        self.fhirUser = fhirUser
        self.role = role
        self.patient = patient
        self.scopes = scopes
        self.isAdmin = isAdmin
        self.clientID = clientID
        self.tokenID = tokenID
        self.issuer = issuer
        self.expiresAt = expiresAt
    }
}
