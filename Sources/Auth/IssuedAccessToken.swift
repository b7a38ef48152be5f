import Foundation

/// A signed access token and the facts about it the token response and the log need.
public struct IssuedAccessToken: Sendable, Hashable {
    /// The compact JWT.
    public var token: String
    /// Its `jti`.
    public var tokenID: String
    /// When it expires.
    public var expiresAt: Date
    /// Its lifetime in seconds (`expires_in`).
    public var expiresIn: Int
}
