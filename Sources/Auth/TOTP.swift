import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238): HMAC-SHA1, 6 digits, 30-second steps, one step of clock drift
/// accepted either way. The second factor of professional accounts (the smartcard stand-in).
public struct TOTP: Sendable {
    /// The shared secret (20 random bytes for new accounts, as RFC 4226 recommends).
    public let secret: [UInt8]
    /// Digits in a code.
    public let digits: Int
    /// Seconds per step.
    public let period: Int

    /// A generator for `secret`.
    public init(secret: [UInt8], digits: Int = 6, period: Int = 30) {
        self.secret = secret
        self.digits = digits
        self.period = period
    }

    /// A generator with a fresh random 160-bit secret.
    public static func generate() -> TOTP { TOTP(secret: SecureRandom.bytes(20)) }

    /// The step number of `date` (T in RFC 6238).
    public func step(at date: Date) -> UInt64 {
        UInt64(max(0, date.timeIntervalSince1970) / Double(period))
    }

    /// The code for step `counter` (HOTP, RFC 4226 §5.3), zero-padded to `digits`.
    public func code(forStep counter: UInt64) -> String {
        var message = [UInt8](repeating: 0, count: 8)
        for index in 0..<8 { message[index] = UInt8((counter >> UInt64(56 - 8 * index)) & 0xFF) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: max(0, digits - value.count)) + value
    }

    /// The code valid at `date`.
    public func code(at date: Date) -> String { code(forStep: step(at: date)) }

    /// The step that `code` matches at `date`, allowing `drift` steps either way; `nil` if none matches.
    /// Callers remember the returned step so that a code cannot be used twice.
    public func matchingStep(_ code: String, at date: Date, drift: Int = 1) -> UInt64? {
        let trimmed = code.filter { !$0.isWhitespace }
        guard trimmed.count == digits, trimmed.allSatisfy(\.isASCII), trimmed.allSatisfy(\.isNumber) else { return nil }
        let now = step(at: date)
        for delta in -drift...drift {
            let candidate = Int64(now) + Int64(delta)
            guard candidate >= 0 else { continue }
            if ConstantTime.equal(Array(self.code(forStep: UInt64(candidate)).utf8), Array(trimmed.utf8)) { return UInt64(candidate) }
        }
        return nil
    }

    /// The `otpauth://totp/...` URI an authenticator app scans (Key Uri Format).
    public func provisioningURI(account: String, issuer: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let label = "\(issuer):\(account)".addingPercentEncoding(withAllowedCharacters: allowed) ?? account
        let issuerParameter = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? issuer
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(issuerParameter)&algorithm=SHA1&digits=\(digits)&period=\(period)"
    }
}
