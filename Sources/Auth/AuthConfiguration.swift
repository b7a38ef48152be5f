import Foundation

/// How the authorisation server is set up: its issuer URL (where its endpoints live), the FHIR base URL its access
/// tokens are for (`aud`), lifetimes, the password hashing cost and the external issuers it trusts.
public struct AuthConfiguration: Sendable {
    /// The issuer (`iss`) of this server's tokens, and the base of its endpoints (`ISSUER/token`, ...).
    public var issuer: String
    /// The audience (`aud`) of access tokens: the FHIR base URL.
    public var audience: String
    /// How long an access token lives (default 1 h).
    public var accessTokenLifetime: Lifetime
    /// How long a sign-in session lasts: the refresh-token family's end (default 12 h, a shift).
    public var sessionLifetime: Lifetime
    /// How long an authorization code may wait for its exchange (60 s).
    public var authorizationCodeLifetime: Lifetime
    /// The longest a `private_key_jwt` assertion may live (5 min, as SMART Backend Services requires).
    public var maximumAssertionLifetime: Lifetime
    /// The scrypt cost of new password hashes (``PasswordHasher/Cost/strong`` unless a test lowers it).
    public var passwordCost: PasswordHasher.Cost
    /// External OpenID Connect providers whose tokens are accepted.
    public var externalIssuers: [ExternalIssuer]

    /// A configuration; `fhirBaseURL` is the absolute FHIR base, `fhirPath` its path on this server (`/fhir`): the
    /// issuer is the base without that path.
    public init(fhirBaseURL: String, fhirPath: String = "/fhir", accessTokenLifetime: Lifetime = Lifetime(seconds: 3600),
                sessionLifetime: Lifetime = Lifetime(seconds: 12 * 3600), passwordCost: PasswordHasher.Cost = .strong,
                externalIssuers: [ExternalIssuer] = []) {
        var base = fhirBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        audience = base
        issuer = base.hasSuffix(fhirPath) && !fhirPath.isEmpty ? String(base.dropLast(fhirPath.count)) : base
        self.accessTokenLifetime = accessTokenLifetime
        self.sessionLifetime = sessionLifetime
        authorizationCodeLifetime = Lifetime(seconds: 60)
        maximumAssertionLifetime = Lifetime(seconds: 300)
        self.passwordCost = passwordCost
        self.externalIssuers = externalIssuers
    }

    /// `ISSUER/authorize`.
    public var authorizationEndpoint: String { issuer + "/authorize" }
    /// `ISSUER/token`: also the audience `private_key_jwt` assertions must name.
    public var tokenEndpoint: String { issuer + "/token" }
    /// `ISSUER/introspect`.
    public var introspectionEndpoint: String { issuer + "/introspect" }
    /// `ISSUER/revoke`.
    public var revocationEndpoint: String { issuer + "/revoke" }
    /// `ISSUER/.well-known/jwks.json`.
    public var jwksURI: String { issuer + "/.well-known/jwks.json" }

    /// The absolute URL of `reference` on this server (the `fhirUser` claim).
    func absoluteURL(of reference: ActorReference) -> String { audience + "/" + reference.description }
}
