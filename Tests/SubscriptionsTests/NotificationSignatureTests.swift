import Crypto
import Foundation
import Subscriptions
import Testing

@Suite struct NotificationSignatureTests {
    @Test func theHeaderIsAnHMACOverTheTimestampAndTheBody() {
        let body = Array(#"{"resourceType":"Observation"}"#.utf8)
        let header = NotificationSignature.header(body: body, secret: "s3cret", timestamp: 1_700_000_000)
        let expected = HMAC<SHA256>.authenticationCode(for: Array("1700000000.".utf8) + body, using: SymmetricKey(data: Array("s3cret".utf8)))
        let hex = expected.map { String(format: "%02x", $0) }.joined()
        #expect(header == "t=1700000000,v1=\(hex)")
    }

    @Test func secretsDifferPerSubscriptionAndPerKey() {
        let key = Array(repeating: UInt8(7), count: 32)
        let a = NotificationSignature.secret(masterKey: key, subscriptionID: "a")
        #expect(a.count == 64)
        #expect(a == NotificationSignature.secret(masterKey: key, subscriptionID: "a"))
        #expect(a != NotificationSignature.secret(masterKey: key, subscriptionID: "b"))
        #expect(a != NotificationSignature.secret(masterKey: Array(repeating: 8, count: 32), subscriptionID: "a"))
    }
}
