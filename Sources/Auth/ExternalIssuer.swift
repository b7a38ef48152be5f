import Foundation

/// An external OpenID Connect provider whose tokens are accepted (a national professional identity federation,
/// say): its issuer, where its keys are, the audience its tokens must carry for Dossier, and how its claims map to
/// a FHIR user. Read from a JSON file (`serve --oidc-issuers FILE`), an array of these objects.
public struct ExternalIssuer: Sendable, Hashable, Codable {
    /// The `iss` value of its tokens.
    public var issuer: String
    /// Where its JWKS is published.
    public var jwksURL: String
    /// The `aud` its tokens must include.
    public var audience: String
    /// The claim naming the user's FHIR resource (default `fhirUser`).
    public var fhirUserClaim: String
    /// Put before the claim's value when it is a bare id: `Practitioner/` maps `"810001234567"` to
    /// `Practitioner/810001234567`. Absent: the claim holds a reference or a URL ending in `Type/id`.
    public var fhirUserPrefix: String?
    /// The claim naming the PractitionerRole, if the provider sends one.
    public var roleClaim: String?
    /// Put before the role claim's value when it is a bare id.
    public var rolePrefix: String?
    /// The claim holding space-separated scopes (default `scope`).
    public var scopeClaim: String
    /// Scopes granted when the token carries none.
    public var defaultScopes: String

    /// An issuer from its parts.
    public init(issuer: String, jwksURL: String, audience: String, fhirUserClaim: String = "fhirUser", fhirUserPrefix: String? = nil,
                roleClaim: String? = nil, rolePrefix: String? = nil, scopeClaim: String = "scope", defaultScopes: String = "user/*.rs openid fhirUser") {
        self.issuer = issuer
        self.jwksURL = jwksURL
        self.audience = audience
        self.fhirUserClaim = fhirUserClaim
        self.fhirUserPrefix = fhirUserPrefix
        self.roleClaim = roleClaim
        self.rolePrefix = rolePrefix
        self.scopeClaim = scopeClaim
        self.defaultScopes = defaultScopes
    }

    enum CodingKeys: String, CodingKey {
        case issuer, jwksURL = "jwks_uri", audience, fhirUserClaim = "fhir_user_claim", fhirUserPrefix = "fhir_user_prefix"
        case roleClaim = "role_claim", rolePrefix = "role_prefix", scopeClaim = "scope_claim", defaultScopes = "default_scopes"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            issuer: try container.decode(String.self, forKey: .issuer),
            jwksURL: try container.decode(String.self, forKey: .jwksURL),
            audience: try container.decode(String.self, forKey: .audience),
            fhirUserClaim: try container.decodeIfPresent(String.self, forKey: .fhirUserClaim) ?? "fhirUser",
            fhirUserPrefix: try container.decodeIfPresent(String.self, forKey: .fhirUserPrefix),
            roleClaim: try container.decodeIfPresent(String.self, forKey: .roleClaim),
            rolePrefix: try container.decodeIfPresent(String.self, forKey: .rolePrefix),
            scopeClaim: try container.decodeIfPresent(String.self, forKey: .scopeClaim) ?? "scope",
            defaultScopes: try container.decodeIfPresent(String.self, forKey: .defaultScopes) ?? "user/*.rs openid fhirUser")
    }

    /// Reads a JSON array of issuers.
    public static func load(contentsOf path: String) throws -> [ExternalIssuer] {
        try JSONDecoder().decode([ExternalIssuer].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The FHIR reference a claim value stands for: `prefix + value` for bare ids, else the `Type/id` at the end of a
    /// reference or URL.
    static func reference(from value: String, prefix: String?) -> ActorReference? {
        if let prefix, !value.contains("/") { return ActorReference(prefix + value) }
        let parts = value.split(separator: "/")
        guard parts.count >= 2 else { return nil }
        return ActorReference("\(parts[parts.count - 2])/\(parts[parts.count - 1])")
    }
}
