import Crypto
import Foundation

/// The HMAC-SHA256 signature of a rest-hook notification, sent as
/// `X-Dossier-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`.
///
/// The receiver recomputes the HMAC over the timestamp, a dot and the exact body bytes with the subscription's
/// secret, compares in constant time, and rejects old timestamps (replay). The secret is per subscription:
/// ``secret(masterKey:subscriptionID:)`` derives it from the server's key, so nothing more is stored; the server
/// hands it to the owner once, in the `X-Dossier-Subscription-Secret` header of the create response.
public enum NotificationSignature {
    /// The header carrying the signature.
    public static let headerName = "X-Dossier-Signature"
    /// The header carrying the event id (`<subscription id>:<event number>`), stable across retries, for de-duplication.
    public static let eventHeaderName = "X-Dossier-Event-Id"
    /// The header of the create response that hands the secret to the owner.
    public static let secretHeaderName = "X-Dossier-Subscription-Secret"

    /// The header value for `body` signed at `timestamp` (seconds since 1970).
    public static func header(body: [UInt8], secret: String, timestamp: Int64) -> String {
        "t=\(timestamp),v1=\(hex(hmac(body: body, secret: secret, timestamp: timestamp)))"
    }

    /// HMAC-SHA256(secret, "<timestamp>." + body).
    public static func hmac(body: [UInt8], secret: String, timestamp: Int64) -> [UInt8] {
        var message = Array("\(timestamp).".utf8)
        message += body
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return Array(code)
    }

    /// A subscription's secret: hex HMAC-SHA256(master key, "subscription-secret:" + id).
    public static func secret(masterKey: [UInt8], subscriptionID: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array("subscription-secret:\(subscriptionID)".utf8), using: SymmetricKey(data: masterKey))
        return hex(Array(code))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0x0f)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
