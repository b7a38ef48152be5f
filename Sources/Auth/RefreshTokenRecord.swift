import Foundation

/// A refresh token as stored: its SHA-256 digest and the grant. Tokens rotate: each use marks the token used and
/// issues a successor in the same family; the family ends at the session's end (a shift), and presenting a used
/// token again revokes the whole family (theft detection, OAuth 2.0 Security BCP §4.14).
public struct RefreshTokenRecord: Sendable, Hashable {
    /// SHA-256 (hex) of the token.
    public var tokenDigest: String
    /// The rotation family: every successor of one sign-in shares it.
    public var familyID: String
    /// What the token grants.
    public var grant: TokenGrant
    /// When this token was issued.
    public var issuedAt: Date
    /// The end of the session: no successor outlives it.
    public var expiresAt: Date

    /// A record from its parts.
    public init(tokenDigest: String, familyID: String, grant: TokenGrant, issuedAt: Date, expiresAt: Date) {
        self.tokenDigest = tokenDigest
        self.familyID = familyID
        self.grant = grant
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}
