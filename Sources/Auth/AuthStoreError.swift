/// A failure of an ``AuthStore`` that callers may act on.
public struct AuthStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String { case duplicate, corrupt }
        private let value: Value
        /// The key (username, client id) already exists.
        public static let duplicate = Code(value: .duplicate)
        /// A stored row could not be read back.
        public static let corrupt = Code(value: .corrupt)
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
