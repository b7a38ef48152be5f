import Crypto
import Foundation

/// Proof Key for Code Exchange (RFC 7636), S256 only: `plain` is refused, as SMART App Launch v2 requires.
public enum PKCE {
    /// The only accepted `code_challenge_method`.
    public static let method = "S256"

    /// The S256 challenge of `verifier`: BASE64URL(SHA256(ASCII(verifier))).
    public static func challenge(for verifier: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8))))
    }

    /// Whether `method` is acceptable (only `S256`).
    public static func isSupported(method: String?) -> Bool { method == Self.method }

    /// Whether `verifier` is well formed (43 to 128 unreserved characters, RFC 7636 §4.1) and hashes to `challenge`.
    public static func verify(verifier: String, challenge: String) -> Bool {
        guard isWellFormed(verifier) else { return false }
        return ConstantTime.equal(Array(Self.challenge(for: verifier).utf8), Array(challenge.utf8))
    }

    /// Whether a challenge has the length and alphabet of a base64url SHA-256 (43 characters).
    public static func isWellFormedChallenge(_ challenge: String) -> Bool {
        challenge.utf8.count == 43 && challenge.utf8.allSatisfy(Base64URL.isAlphabet)
    }

    /// A fresh random verifier (for clients and tests).
    public static func makeVerifier() -> String {
        Base64URL.encode(SecureRandom.bytes(32))
    }

    static func isWellFormed(_ verifier: String) -> Bool {
        let bytes = verifier.utf8
        guard (43...128).contains(bytes.count) else { return false }
        return bytes.allSatisfy { Base64URL.isAlphabet($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "~") }
    }
}
