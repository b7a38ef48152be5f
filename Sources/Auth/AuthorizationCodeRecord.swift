import Foundation

/// An authorization code as stored: only its SHA-256 digest, the grant it stands for, and what the token request
/// must repeat (client, redirect URI, PKCE challenge). Single use, short-lived.
public struct AuthorizationCodeRecord: Sendable, Hashable {
    /// SHA-256 (hex) of the code.
    public var codeDigest: String
    /// What the code grants.
    public var grant: TokenGrant
    /// The redirect URI of the authorization request (the token request must send the same).
    public var redirectURI: String
    /// The S256 PKCE challenge.
    public var codeChallenge: String
    /// The OIDC `nonce`, echoed in the `id_token`.
    public var nonce: String?
    /// After this instant the code is refused.
    public var expiresAt: Date

    /// A record from its parts.
    public init(codeDigest: String, grant: TokenGrant, redirectURI: String, codeChallenge: String, nonce: String?, expiresAt: Date) {
        self.codeDigest = codeDigest
        self.grant = grant
        self.redirectURI = redirectURI
        self.codeChallenge = codeChallenge
        self.nonce = nonce
        self.expiresAt = expiresAt
    }
}
