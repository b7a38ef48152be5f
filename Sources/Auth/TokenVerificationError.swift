/// Why a bearer token was refused. The HTTP layer answers every case with 401 `invalid_token`; the message is for
/// logs, not for the caller.
public struct TokenVerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reason, for logs and tests.
    public let reason: String

    /// An error with its reason.
    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}
