/// Why an audit log operation failed.
public struct AuditLogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; new kinds may be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case closed, unavailable, invalidRecord = "invalid record"
        }
        private let value: Value

        /// The log was closed.
        public static let closed = Code(value: .closed)
        /// The database could not be opened, configured or written.
        public static let unavailable = Code(value: .unavailable)
        /// A record could not be rendered as an AuditEvent this log can index (e.g. an empty id or agent).
        public static let invalidRecord = Code(value: .invalidRecord)

        public var description: String { value.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What happened, for logs and operators.
    public var message: String

    /// An error of kind `code`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "audit log \(code): \(message)" }
}
