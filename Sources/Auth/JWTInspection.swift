import Foundation

/// Reads a compact JWT's header and payload *without* verifying it: only to choose the key and issuer to verify
/// with. Nothing read here is trusted.
enum JWTInspection {
    /// The decoded header and payload objects; `nil` when the token is not three base64url JSON parts.
    static func unverifiedParts(_ token: String) -> (header: [String: Any], payload: [String: Any])? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(String(parts[0])), let payloadBytes = Base64URL.decode(String(parts[1])),
              let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any],
              let payload = try? JSONSerialization.jsonObject(with: Data(payloadBytes)) as? [String: Any]
        else { return nil }
        return (header, payload)
    }
}
