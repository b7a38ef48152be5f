/// A validated authorization request (`GET /authorize`): the client, where to send the answer, what it asks for.
public struct AuthorizationRequest: Sendable {
    /// The registered client.
    public var client: OAuthClient
    /// The redirect URI, one of the client's registered ones.
    public var redirectURI: String
    /// The client's `state`, returned unchanged.
    public var state: String?
    /// The recognised scopes requested.
    public var scopes: ScopeSet
    /// The S256 PKCE challenge.
    public var codeChallenge: String
    /// The OIDC `nonce`.
    public var nonce: String?
    /// The request's parameters as received, for the sign-in form to send back.
    public var parameters: [String: String]
}
