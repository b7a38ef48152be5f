@testable import Auth
import Foundation
import JWTKit
import Testing

@Suite("private_key_jwt client assertions")
struct ClientAssertionTests {
    let tokenEndpoint = "https://dossier.example/token"

    func setUp() async throws -> (AuthFixture, BackendKey) {
        let fixture = try await AuthFixture()
        let key = BackendKey()
        _ = try await fixture.server.registerClient(clientID: "lab-feed", redirectURIs: [], jwksJSON: key.jwksJSON)
        return (fixture, key)
    }

    func authenticate(_ fixture: AuthFixture, _ assertion: String) async throws -> OAuthClient {
        try await fixture.server.assertions.authenticate(assertion: assertion, claimedClientID: nil, now: fixture.clock.now)
    }

    @Test func aValidAssertionAuthenticatesOnceOnly() async throws {
        let (fixture, key) = try await setUp()
        let assertion = try await key.assertion(iss: "lab-feed", aud: tokenEndpoint, now: fixture.clock.now)
        #expect(try await authenticate(fixture, assertion).clientID == "lab-feed")
        await #expect(throws: OAuthError.self) { try await authenticate(fixture, assertion) }
    }

    @Test func issuerAndSubjectMustBothBeTheClient() async throws {
        let (fixture, key) = try await setUp()
        let assertion = try await key.assertion(iss: "lab-feed", sub: "someone-else", aud: tokenEndpoint, now: fixture.clock.now)
        await #expect(throws: OAuthError.self) { try await authenticate(fixture, assertion) }
    }

    @Test func audienceMustBeTheTokenEndpoint() async throws {
        let (fixture, key) = try await setUp()
        let assertion = try await key.assertion(iss: "lab-feed", aud: "https://dossier.example/fhir", now: fixture.clock.now)
        await #expect(throws: OAuthError.self) { try await authenticate(fixture, assertion) }
    }

    @Test func lifetimeIsAtMostFiveMinutesAndNotOver() async throws {
        let (fixture, key) = try await setUp()
        let tooLong = try await key.assertion(iss: "lab-feed", aud: tokenEndpoint, expiresIn: 600, now: fixture.clock.now)
        await #expect(throws: OAuthError.self) { try await authenticate(fixture, tooLong) }
        let expired = try await key.assertion(iss: "lab-feed", aud: tokenEndpoint, expiresIn: -1, now: fixture.clock.now)
        await #expect(throws: OAuthError.self) { try await authenticate(fixture, expired) }
    }

    @Test func aJTIIsRequired() async throws {
        let (fixture, key) = try await setUp()
        let assertion = try await key.assertion(iss: "lab-feed", aud: tokenEndpoint, jti: nil, now: fixture.clock.now)
        await #expect(throws: OAuthError.self) { try await authenticate(fixture, assertion) }
    }

    @Test func anotherKeyDoesNotAuthenticate() async throws {
        let (fixture, key) = try await setUp()
        let assertion = try await key.assertion(iss: "lab-feed", aud: tokenEndpoint, now: fixture.clock.now, signer: ES256PrivateKey())
        await #expect(throws: OAuthError.self) { try await authenticate(fixture, assertion) }
    }

    @Test func clientCredentialsGrantSystemScopesOnly() async throws {
        let (fixture, key) = try await setUp()
        let assertion = try await key.assertion(iss: "lab-feed", aud: tokenEndpoint, now: fixture.clock.now)
        let response = try await fixture.server.token([
            "grant_type": "client_credentials", "scope": "system/Observation.cruds patient/*.rs",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion": assertion,
        ])
        #expect(response.scope == "system/Observation.cruds")
        #expect(response.refresh_token == nil)
        let identity = try await fixture.server.verifier.verify(bearer: response.access_token)
        #expect(identity.subject == "lab-feed")
        #expect(identity.clientID == "lab-feed")
    }
}
