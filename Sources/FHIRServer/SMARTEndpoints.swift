/// The OAuth 2.0 endpoints of the SMART authorisation server, announced in the CapabilityStatement's
/// `rest.security` (SMART App Launch's `oauth-uris` extension). Plain URLs: FHIRServer does not depend on Auth.
public struct SMARTEndpoints: Sendable, Hashable {
    /// The authorization endpoint.
    public var authorize: String
    /// The token endpoint.
    public var token: String
    /// The introspection endpoint (RFC 7662).
    public var introspect: String?
    /// The revocation endpoint (RFC 7009).
    public var revoke: String?

    /// The endpoints.
    public init(authorize: String, token: String, introspect: String? = nil, revoke: String? = nil) {
        self.authorize = authorize
        self.token = token
        self.introspect = introspect
        self.revoke = revoke
    }
}
