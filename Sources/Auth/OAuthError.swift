/// An OAuth 2.0 error (RFC 6749 §4.1.2.1 and §5.2): a registered `error` code, a human-readable
/// `error_description`, and the HTTP status the token endpoint answers with.
public struct OAuthError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The registered error code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code as sent (`invalid_grant`).
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        public static let invalidRequest = Code("invalid_request")
        public static let invalidClient = Code("invalid_client")
        public static let invalidGrant = Code("invalid_grant")
        public static let unauthorizedClient = Code("unauthorized_client")
        public static let unsupportedGrantType = Code("unsupported_grant_type")
        public static let invalidScope = Code("invalid_scope")
        public static let accessDenied = Code("access_denied")
        public static let unsupportedResponseType = Code("unsupported_response_type")
        public static let serverError = Code("server_error")

        public var description: String { rawValue }
    }

    /// The error code.
    public let code: Code
    /// What went wrong, for the developer of the client.
    public let message: String

    /// An error with its code and description.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// 401 for a failed client authentication, 500 for `server_error`, 400 otherwise (RFC 6749 §5.2).
    public var status: Int {
        switch code {
        case .invalidClient: 401
        case .serverError: 500
        default: 400
        }
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
