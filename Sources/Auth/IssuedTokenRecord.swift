import Foundation

/// One line of the issuance log: every access token issued, by which road (`authorization_code`,
/// `refresh_token`, `client_credentials`, `operator`), so that operator tokens are audited.
public struct IssuedTokenRecord: Sendable, Hashable {
    /// The token's `jti`.
    public var tokenID: String
    /// What the token grants.
    public var grant: TokenGrant
    /// How it was obtained: a grant type, or `operator` for `dossier token`.
    public var via: String
    /// Who asked, for operator tokens (the operating-system user).
    public var operatorName: String?
    /// When it was issued.
    public var issuedAt: Date
    /// When it expires.
    public var expiresAt: Date

    /// A record from its parts.
    public init(tokenID: String, grant: TokenGrant, via: String, operatorName: String? = nil, issuedAt: Date, expiresAt: Date) {
        self.tokenID = tokenID
        self.grant = grant
        self.via = via
        self.operatorName = operatorName
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}
