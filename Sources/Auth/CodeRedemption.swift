import Foundation

/// What presenting an authorization code found (RFC 6749 §4.1.2: a code used twice must not work, and what it
/// issued the first time should be revoked).
public enum CodeRedemption: Sendable, Hashable {
    /// Never seen: no such code, or forgotten long after it expired.
    case unknown
    /// First use: the code is now marked used.
    case fresh(AuthorizationCodeRecord)
    /// Second use: the refresh-token family the first use started has been revoked by the store; the access token it
    /// issued (`accessTokenID`, live until `accessExpiresAt`) is for the caller to revoke.
    case replayed(accessTokenID: String?, accessExpiresAt: Date?)
}
