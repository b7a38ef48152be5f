import Foundation

/// A local sign-in account: a username, a password hash (``PasswordHasher``), a TOTP secret for professionals,
/// and the FHIR resource the account signs in as.
public struct UserAccount: Sendable, Hashable {
    /// The unique sign-in name.
    public var username: String
    /// The ``PasswordHasher`` text of the password.
    public var passwordHash: String
    /// The TOTP secret (raw bytes); required for professionals.
    public var totpSecret: [UInt8]?
    /// Whom the account signs in as.
    public var binding: AccountBinding
    /// When the account was created.
    public var createdAt: Date
    /// The last TOTP step accepted, so that a code is never accepted twice.
    public var lastTOTPStep: UInt64?

    /// An account from its parts.
    public init(username: String, passwordHash: String, totpSecret: [UInt8]?, binding: AccountBinding, createdAt: Date = Date(), lastTOTPStep: UInt64? = nil) {
        self.username = username
        self.passwordHash = passwordHash
        self.totpSecret = totpSecret
        self.binding = binding
        self.createdAt = createdAt
        self.lastTOTPStep = lastTOTPStep
    }

    /// Whether `username` is acceptable: 1 to 64 characters among letters, digits, `.`, `_`, `-` and `@`.
    public static func isValidUsername(_ username: String) -> Bool {
        (1...64).contains(username.count)
            && username.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-@".contains($0)) }
    }
}
