/// Why a sign-in on the authorisation page failed, in words fit to show the person signing in.
public struct SignInError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable {
        private enum Value { case wrongCredentials, secondFactorRequired, wrongSecondFactor, throttled }
        private let value: Value
        /// Unknown username or wrong password (the two are not told apart).
        public static let wrongCredentials = Code(value: .wrongCredentials)
        /// A professional account needs the authenticator code.
        public static let secondFactorRequired = Code(value: .secondFactorRequired)
        /// The authenticator code is wrong, outside the time window, or already used.
        public static let wrongSecondFactor = Code(value: .wrongSecondFactor)
        /// Too many failures in a row: wait before trying again.
        public static let throttled = Code(value: .throttled)
    }

    /// What went wrong.
    public let code: Code
    /// A sentence for the person signing in.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
