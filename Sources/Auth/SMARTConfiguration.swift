/// The SMART App Launch v2 discovery document (`/.well-known/smart-configuration`).
public struct SMARTConfiguration: Codable, Sendable, Hashable {
    public var issuer: String
    public var jwks_uri: String
    public var authorization_endpoint: String
    public var token_endpoint: String
    public var introspection_endpoint: String
    public var revocation_endpoint: String
    public var grant_types_supported: [String]
    public var response_types_supported: [String]
    public var scopes_supported: [String]
    public var code_challenge_methods_supported: [String]
    public var token_endpoint_auth_methods_supported: [String]
    public var token_endpoint_auth_signing_alg_values_supported: [String]
    public var id_token_signing_alg_values_supported: [String]
    public var capabilities: [String]

    /// The document for `configuration`.
    public init(_ configuration: AuthConfiguration) {
        issuer = configuration.issuer
        jwks_uri = configuration.jwksURI
        authorization_endpoint = configuration.authorizationEndpoint
        token_endpoint = configuration.tokenEndpoint
        introspection_endpoint = configuration.introspectionEndpoint
        revocation_endpoint = configuration.revocationEndpoint
        grant_types_supported = ["authorization_code", "refresh_token", "client_credentials"]
        response_types_supported = ["code"]
        scopes_supported = [
            "openid", "fhirUser", "launch/patient", "offline_access", "online_access",
            "patient/*.cruds", "patient/*.rs", "user/*.cruds", "user/*.rs", "system/*.cruds", "system/*.rs",
        ]
        code_challenge_methods_supported = [PKCE.method]
        token_endpoint_auth_methods_supported = ["none", "private_key_jwt"]
        token_endpoint_auth_signing_alg_values_supported = ["ES256", "ES384", "RS256", "RS384"]
        id_token_signing_alg_values_supported = ["ES256"]
        capabilities = [
            "launch-standalone", "client-public", "client-confidential-asymmetric", "permission-v2", "permission-v1",
            "permission-patient", "permission-user", "sso-openid-connect", "context-standalone-patient", "authorize-post",
        ]
    }
}
