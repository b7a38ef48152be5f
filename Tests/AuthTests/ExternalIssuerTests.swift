@testable import Auth
import Foundation
import JWTKit
import Testing

@Suite("External OpenID Connect issuers")
struct ExternalIssuerTests {
    struct IdPClaims: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        var rpps: String?
        var structure_role: String?
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    let idpKey = BackendKey()
    let issuer = ExternalIssuer(issuer: "https://idp.example", jwksURL: "https://idp.example/jwks", audience: "dossier",
                                fhirUserClaim: "rpps", fhirUserPrefix: "Practitioner/", roleClaim: "structure_role",
                                rolePrefix: "PractitionerRole/", defaultScopes: "user/*.rs openid")

    func verifier(fetches: FetchCounter) async throws -> (TokenVerifier, AuthFixture) {
        let fixture = try await AuthFixture()
        var configuration = fixture.configuration
        configuration.externalIssuers = [issuer]
        let jwks = idpKey.jwksJSON
        let cache = ExternalKeyCache { url in
            await fetches.increment()
            #expect(url == "https://idp.example/jwks")
            return Array(jwks.utf8)
        }
        let verifier = await TokenVerifier(configuration: configuration, signingKey: fixture.key, store: fixture.store, externalKeys: cache)
        return (verifier, fixture)
    }

    func token(aud: String = "dossier", expiresIn: TimeInterval = 300, signer: ES256PrivateKey? = nil, rpps: String? = "810001234567") async throws -> String {
        let keys = await JWTKeyCollection().add(ecdsa: signer ?? idpKey.privateKey, kid: JWKIdentifier(string: idpKey.kid))
        return try await keys.sign(IdPClaims(
            iss: "https://idp.example", sub: "user-42", aud: AudienceClaim(value: [aud]),
            exp: ExpirationClaim(value: Date().addingTimeInterval(expiresIn)), rpps: rpps, structure_role: "role-7"),
            kid: JWKIdentifier(string: idpKey.kid))
    }

    @Test func claimsMapToAProfessionalAndKeysAreCached() async throws {
        let fetches = FetchCounter()
        let (verifier, _) = try await verifier(fetches: fetches)
        let identity = try await verifier.verify(bearer: try await token())
        #expect(identity.fhirUser?.description == "Practitioner/810001234567")
        #expect(identity.role?.description == "PractitionerRole/role-7")
        #expect(identity.issuer == "https://idp.example")
        #expect(identity.subject == "user-42")
        #expect(identity.scopes.description == "user/*.rs openid")
        _ = try await verifier.verify(bearer: try await token())
        #expect(await fetches.count == 1)
    }

    @Test func wrongAudienceExpiryKeyOrMissingClaimAreRefused() async throws {
        let (verifier, _) = try await verifier(fetches: FetchCounter())
        for bad in [try await token(aud: "someone-else"), try await token(expiresIn: -120), try await token(signer: ES256PrivateKey()),
                    try await token(rpps: nil)] {
            await #expect(throws: TokenVerificationError.self) { try await verifier.verify(bearer: bad) }
        }
    }

    @Test func unknownIssuersAreRefused() async throws {
        let fixture = try await AuthFixture()
        let keys = await JWTKeyCollection().add(ecdsa: idpKey.privateKey, kid: JWKIdentifier(string: idpKey.kid))
        let token = try await keys.sign(IdPClaims(iss: "https://rogue.example", sub: "x", aud: "dossier",
                                                  exp: ExpirationClaim(value: Date().addingTimeInterval(60))))
        await #expect(throws: TokenVerificationError.self) { try await fixture.server.verifier.verify(bearer: token) }
    }

    @Test func issuersAreReadFromJSON() throws {
        let json = #"[{"issuer":"https://idp.example","jwks_uri":"https://idp.example/jwks","audience":"dossier","fhir_user_claim":"rpps","fhir_user_prefix":"Practitioner/"}]"#
        let decoded = try JSONDecoder().decode([ExternalIssuer].self, from: Data(json.utf8))
        #expect(decoded.first?.fhirUserClaim == "rpps")
        #expect(decoded.first?.scopeClaim == "scope")
    }
}

/// Counts JWKS fetches.
actor FetchCounter {
    private(set) var count = 0
    func increment() { count += 1 }
}
