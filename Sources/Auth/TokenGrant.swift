import Foundation

/// What a token conveys, independent of its form: who, acting as which FHIR resource, in which role, for which
/// patient, with which scopes, through which client. Authorization codes, refresh tokens and access tokens all
/// carry one.
public struct TokenGrant: Sendable, Hashable {
    /// The `sub` claim: the account's username, a client id for backend services, or the operator-chosen actor.
    public var subject: String
    /// The signed-in user's FHIR resource (`fhirUser`).
    public var fhirUser: ActorReference?
    /// The PractitionerRole the professional acts through.
    public var role: ActorReference?
    /// The patient in context.
    public var patient: ActorReference?
    /// The granted scopes.
    public var scopes: ScopeSet
    /// Full system access (operators only, through `dossier token --admin`).
    public var isAdmin: Bool
    /// The client the grant was made to; `nil` for operator tokens.
    public var clientID: String?
    /// When the user authenticated (OIDC `auth_time`).
    public var authTime: Date?

    /// A grant from its parts.
    public init(subject: String, fhirUser: ActorReference? = nil, role: ActorReference? = nil, patient: ActorReference? = nil,
                scopes: ScopeSet, isAdmin: Bool = false, clientID: String? = nil, authTime: Date? = nil) {
        self.subject = subject
        self.fhirUser = fhirUser
        self.role = role
        self.patient = patient
        self.scopes = scopes
        self.isAdmin = isAdmin
        self.clientID = clientID
        self.authTime = authTime
    }
}
