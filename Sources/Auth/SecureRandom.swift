import Crypto

/// Cryptographically secure random bytes and opaque tokens.
enum SecureRandom {
    /// `count` random bytes from the system's CSPRNG.
    static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// A random opaque token: 32 bytes (256 bits) in base64url.
    static func token() -> String { Base64URL.encode(bytes(32)) }

    /// The SHA-256 of an opaque token, in hex: what is stored instead of the token.
    static func digest(_ token: String) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in SHA256.hash(data: Array(token.utf8)) { out.append(hex[Int(byte >> 4)]); out.append(hex[Int(byte & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
