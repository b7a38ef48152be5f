@testable import Auth
import Foundation
import JWTKit
import Testing

@Suite("Access tokens (JWT)")
struct TokenTests {
    func practitionerGrant() throws -> TokenGrant {
        TokenGrant(subject: "dr.martin", fhirUser: try #require(ActorReference("Practitioner/p1")),
                   role: ActorReference("PractitionerRole/r1"), scopes: ScopeSet(parsing: "user/*.rs openid fhirUser"), clientID: "app")
    }

    @Test func roundTripCarriesEveryClaim() async throws {
        let fixture = try await AuthFixture()
        let issued = try await fixture.server.issuer.accessToken(for: try practitionerGrant(), now: fixture.clock.now)
        #expect(issued.expiresIn == 3600)
        let identity = try await fixture.server.verifier.verify(bearer: issued.token)
        #expect(identity.subject == "dr.martin")
        #expect(identity.fhirUser?.description == "Practitioner/p1")
        #expect(identity.role?.description == "PractitionerRole/r1")
        #expect(identity.patient == nil)
        #expect(identity.scopes.description == "user/*.rs openid fhirUser")
        #expect(identity.clientID == "app")
        #expect(identity.tokenID == issued.tokenID)
        #expect(identity.issuer == "https://dossier.example")
        #expect(!identity.isAdmin)
        let (header, payload) = try #require(JWTInspection.unverifiedParts(issued.token))
        #expect(header["alg"] as? String == "ES256")
        #expect(header["kid"] as? String == fixture.key.kid)
        #expect(header["typ"] as? String == "at+jwt")
        #expect(payload["fhirUser"] as? String == "https://dossier.example/fhir/Practitioner/p1")
        #expect(payload["aud"] as? String == "https://dossier.example/fhir" || (payload["aud"] as? [String]) == ["https://dossier.example/fhir"])
    }

    @Test func expiredTokensAreRefused() async throws {
        let fixture = try await AuthFixture()
        let issued = try await fixture.server.issuer.accessToken(for: try practitionerGrant(), lifetime: Lifetime(seconds: 60), now: fixture.clock.now)
        _ = try await fixture.server.verifier.verify(bearer: issued.token)
        fixture.clock.advance(61)
        await #expect(throws: TokenVerificationError.self) { try await fixture.server.verifier.verify(bearer: issued.token) }
    }

    @Test func tokensSignedWithAnotherKeyAreRefused() async throws {
        let fixture = try await AuthFixture()
        let other = await TokenIssuer(configuration: fixture.configuration, signingKey: try SigningKey.generate())
        let forged = try await other.accessToken(for: try practitionerGrant(), now: Date())
        await #expect(throws: TokenVerificationError.self) { try await fixture.server.verifier.verify(bearer: forged.token) }
    }

    @Test func tokensForAnotherAudienceAreRefused() async throws {
        let fixture = try await AuthFixture()
        var elsewhere = fixture.configuration
        elsewhere.audience = "https://other.example/fhir"
        let issuer = await TokenIssuer(configuration: elsewhere, signingKey: fixture.key)
        let token = try await issuer.accessToken(for: try practitionerGrant(), now: Date())
        await #expect(throws: TokenVerificationError.self) { try await fixture.server.verifier.verify(bearer: token.token) }
    }

    @Test func tamperedPayloadsAreRefused() async throws {
        let fixture = try await AuthFixture()
        let token = try await fixture.server.issuer.accessToken(for: try practitionerGrant(), now: Date()).token
        var parts = token.split(separator: ".").map(String.init)
        var payload = String(decoding: Base64URL.decode(parts[1])!, as: UTF8.self)
        #expect(payload.contains("dr.martin"))
        payload = payload.replacingOccurrences(of: "dr.martin", with: "dr.mallory")
        parts[1] = Base64URL.encode(Array(payload.utf8))
        await #expect(throws: TokenVerificationError.self) { try await fixture.server.verifier.verify(bearer: parts.joined(separator: ".")) }
    }

    @Test func idTokensAreNotAccessTokens() async throws {
        let fixture = try await AuthFixture()
        let idToken = try await fixture.server.issuer.idToken(for: try practitionerGrant(), nonce: "n", now: Date())
        await #expect(throws: TokenVerificationError.self) { try await fixture.server.verifier.verify(bearer: idToken) }
    }

    @Test func revokedAccessTokensAreRefused() async throws {
        let fixture = try await AuthFixture()
        let token = try await fixture.server.issuer.accessToken(for: try practitionerGrant(), now: Date()).token
        try await fixture.server.revoke(token)
        await #expect(throws: TokenVerificationError.self) { try await fixture.server.verifier.verify(bearer: token) }
        #expect(await fixture.server.introspect(token) == .inactive)
    }

    @Test func operatorTokensCarryTheActor() async throws {
        let fixture = try await AuthFixture()
        let admin = try await fixture.server.issueOperatorToken(for: .admin, operatorName: "ops")
        let adminIdentity = try await fixture.server.verifier.verify(bearer: admin.token)
        #expect(adminIdentity.isAdmin)
        #expect(adminIdentity.scopes.description == "system/*.cruds")
        let patient = try #require(ActorReference("Patient/pat-1"))
        let patientToken = try await fixture.server.issueOperatorToken(for: .user(patient, role: nil), lifetime: Lifetime(seconds: 600), operatorName: "ops")
        let patientIdentity = try await fixture.server.verifier.verify(bearer: patientToken.token)
        #expect(patientIdentity.patient == patient)
        #expect(patientIdentity.fhirUser == patient)
        #expect(patientToken.expiresIn == 600)
        await #expect(throws: AuthStoreError.self) {
            try await fixture.server.issueOperatorToken(for: .user(patient, role: ActorReference("PractitionerRole/r1")), operatorName: "ops")
        }
    }

    @Test func theSigningKeyAndTheDatabaseAreReadableByTheirOwnerOnly() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(SigningKey.fileName).path
        let first = try SigningKey.loadOrCreate(at: path)
        let second = try SigningKey.loadOrCreate(at: path)
        #expect(first.kid == second.kid)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        #expect(first.jwks.keys.first?.kid == first.kid)
        #expect(first.jwks.keys.first?.alg == "ES256")
        let databasePath = directory.appendingPathComponent(AuthorizationServer.databaseFileName).path
        _ = try SQLiteAuthStore(path: databasePath)
        let databaseMode = try FileManager.default.attributesOfItem(atPath: databasePath)[.posixPermissions] as? NSNumber
        #expect(databaseMode?.intValue == 0o600)
    }
}
