@testable import Auth
import Foundation
import JWTKit

/// A temporary auth database, a fresh signing key and a server at a settable instant, with the weak test KDF cost.
final class AuthFixture: @unchecked Sendable {
    let directory: URL
    let store: SQLiteAuthStore
    let key: SigningKey
    let configuration: AuthConfiguration
    let clock: TestClock
    let server: AuthorizationServer

    init(audience: String = "https://dossier.example/fhir") async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteAuthStore(path: directory.appendingPathComponent("auth.sqlite").path)
        key = try SigningKey.generate()
        configuration = AuthConfiguration(fhirBaseURL: audience, passwordCost: .testing)
        clock = TestClock()
        let clock = clock
        server = await AuthorizationServer(configuration: configuration, store: store, signingKey: key, now: { clock.now })
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

/// A clock tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date()
    var now: Date {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
    func advance(_ seconds: TimeInterval) { now = now.addingTimeInterval(seconds) }
}

/// A backend service's key pair and what it signs.
struct BackendKey {
    let privateKey = ES256PrivateKey()
    let kid = "backend-key-1"

    var jwksJSON: String {
        let parameters = privateKey.parameters!
        return #"{"keys":[{"kty":"EC","crv":"P-256","alg":"ES256","kid":"\#(kid)","x":"\#(parameters.x)","y":"\#(parameters.y)"}]}"#
    }

    struct Claims: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        var jti: IDClaim?
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    func assertion(iss: String, sub: String? = nil, aud: String, expiresIn: TimeInterval = 240, jti: String? = UUID().uuidString,
                   now: Date = Date(), signer: ES256PrivateKey? = nil) async throws -> String {
        let keys = await JWTKeyCollection().add(ecdsa: signer ?? privateKey, kid: JWKIdentifier(string: kid))
        let claims = Claims(iss: IssuerClaim(value: iss), sub: SubjectClaim(value: sub ?? iss), aud: AudienceClaim(value: [aud]),
                            exp: ExpirationClaim(value: now.addingTimeInterval(expiresIn)), jti: jti.map { IDClaim(value: $0) })
        return try await keys.sign(claims, kid: JWKIdentifier(string: kid))
    }
}
