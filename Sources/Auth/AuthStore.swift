import Foundation

/// The persistence the authorisation server needs, kept apart from the FHIR store: accounts, clients,
/// authorization codes, refresh tokens, used assertion ids, revoked access tokens and the issuance log.
///
/// ``SQLiteAuthStore`` is the embedded implementation; a PostgreSQL one implements the same protocol. Every
/// method that decides (consume a code, rotate a token, record a `jti`) is atomic in the implementation.
public protocol AuthStore: Sendable {
    /// Adds an account; throws ``AuthStoreError`` `.duplicate` if the username exists.
    func insertAccount(_ account: UserAccount) async throws
    /// The account named `username`, if any.
    func account(username: String) async throws -> UserAccount?
    /// Every account, by username.
    func accounts() async throws -> [UserAccount]
    /// Records that TOTP `step` was used by `username`; `false` if that step or a later one was already used.
    func recordTOTPStep(username: String, step: UInt64) async throws -> Bool

    /// Adds a client; throws ``AuthStoreError`` `.duplicate` if the client id exists.
    func insertClient(_ client: OAuthClient) async throws
    /// The client with `clientID`, if any.
    func client(id clientID: String) async throws -> OAuthClient?
    /// Every client, by id.
    func clients() async throws -> [OAuthClient]

    /// Stores a new authorization code.
    func insertAuthorizationCode(_ record: AuthorizationCodeRecord) async throws
    /// Marks the code with `digest` used and returns it; on a second use, revokes the refresh-token family recorded
    /// by ``recordCodeIssuance(digest:familyID:accessTokenID:accessExpiresAt:)`` and says what else to revoke.
    /// Expiry is the caller's check.
    func redeemAuthorizationCode(digest: String, now: Date) async throws -> CodeRedemption
    /// Records what the first use of a code issued, so that a replay can revoke it.
    func recordCodeIssuance(digest: String, familyID: String, accessTokenID: String, accessExpiresAt: Date) async throws

    /// Stores a new refresh token (first of a family, at sign-in).
    func insertRefreshToken(_ record: RefreshTokenRecord) async throws
    /// Atomically checks the token with `digest` and replaces it by `successorDigest` in the same family: returns
    /// the presented token's record, or `nil` if it is unknown, expired at `now`, revoked or already used — in the
    /// last case the whole family is revoked.
    func rotateRefreshToken(digest: String, successorDigest: String, now: Date) async throws -> RefreshTokenRecord?
    /// The live (unused, unrevoked, unexpired at `now`) refresh token with `digest`.
    func activeRefreshToken(digest: String, now: Date) async throws -> RefreshTokenRecord?
    /// Revokes the family of the refresh token with `digest`; `false` if there is no such token.
    func revokeRefreshTokenFamily(digest: String) async throws -> Bool

    /// Records a client assertion's `jti` until `expiresAt`; `false` if that client already used it (a replay).
    func recordAssertionID(_ jti: String, clientID: String, expiresAt: Date, now: Date) async throws -> Bool

    /// Marks the access token `jti` revoked until it would have expired anyway.
    func revokeAccessToken(id jti: String, expiresAt: Date) async throws
    /// Whether the access token `jti` was revoked.
    func isAccessTokenRevoked(id jti: String) async throws -> Bool

    /// Appends to the issuance log.
    func recordIssuedToken(_ record: IssuedTokenRecord) async throws

    /// A server setting (the issuer and audience in force, so that `dossier token` signs what `serve` accepts).
    func setting(_ key: String) async throws -> String?
    /// Sets a server setting.
    func setSetting(_ key: String, value: String) async throws
}
