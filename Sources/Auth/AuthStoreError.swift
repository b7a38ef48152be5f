/// A failure of an ``AuthStore`` or of the administration of accounts and clients that callers may act on.
public struct AuthStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String { case duplicate, corrupt, invalid }
        private let value: Value
        /// The key (username, client id) already exists.
        public static let duplicate = Code(value: .duplicate)
        /// A stored row could not be read back.
        public static let corrupt = Code(value: .corrupt)
        /// A value given (username, password, client registration, operator actor) is not acceptable.
        public static let invalid = Code(value: .invalid)
        public var description: String { value.rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// A sentence for the operator.
    public let message: String

    /// An error with its code and message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
