import Auth
import DossierHTTP
import FHIRServer
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTKit
import SQLiteStore
import Testing

/// The SMART endpoints driven over HTTP: the whole authorization-code flow with PKCE through `/authorize` and
/// `/token`, refresh rotation, revocation and introspection, backend services, discovery, and the bearer middleware.
@Suite("SMART sign-in over HTTP")
struct AuthFlowTests {
    static let redirect = "https://app.example/callback"
    static let base = "http://localhost/fhir"
    static let password = "correct horse battery"

    struct World: Sendable {
        let auth: AuthorizationServer
        let doctorTOTP: TOTP
    }

    func withApp(_ body: @Sendable (any TestClientProtocol, World) async throws -> Void) async throws {
        let folder = try await TestDataFolder.open("auth-http", base: Self.base)
        let (store, auth) = (folder.store, folder.auth)
        var configuration = ServerConfiguration(baseURL: Self.base, maxBodyBytes: 1 << 20)
        configuration.smartEndpoints = SMARTEndpoints(
            authorize: auth.configuration.authorizationEndpoint, token: auth.configuration.tokenEndpoint,
            introspect: auth.configuration.introspectionEndpoint, revoke: auth.configuration.revocationEndpoint)
        let service = FHIRService(store: store, configuration: configuration)
        let (_, totp) = try await auth.createAccount(
            username: "dr.martin", password: Self.password,
            binding: .practitioner(ActorReference("Practitioner/p1")!, role: ActorReference("PractitionerRole/r1")))
        _ = try await auth.createAccount(username: "alice", password: Self.password, binding: .patient(ActorReference("Patient/pat-1")!))
        let router = buildRouter(service: service, http: .init(), auth: auth)
        router.get("/test/whoami") { _, context -> String in
            let identity = try context.requireIdentity()
            return "\(identity.subject) \(identity.fhirUser?.description ?? "-")"
        }
        let app = Application(router: router)
        try await app.test(.router) { client in try await body(client, World(auth: auth, doctorTOTP: totp!)) }
        try await folder.close()
    }

    static func form(_ items: [(String, String)]) -> ByteBuffer { ByteBuffer(string: FormEncoding.encode(items)) }
    static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: buffer).utf8)) as? [String: Any])
    }

    static func query(_ location: String) -> [String: String] {
        FormEncoding.dictionary(FormEncoding.decode(String(location.split(separator: "?", maxSplits: 1).last ?? "")))
    }

    /// Runs `/authorize` (GET then the form's POST) and `/token`; returns the token response.
    static func signIn(_ client: any TestClientProtocol, username: String, otp: String?, scope: String) async throws -> [String: Any] {
        let (code, verifier) = try await authorize(client, username: username, otp: otp, scope: scope)
        let exchange = try await client.execute(uri: "/token", method: .post, headers: formHeaders, body: form([
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect), ("client_id", "app"), ("code_verifier", verifier),
        ]))
        #expect(exchange.status == .ok)
        #expect(exchange.headers[.cacheControl] == "no-store")
        return try json(exchange.body)
    }

    /// Runs `/authorize` (GET then the form's POST); returns the code and the PKCE verifier.
    static func authorize(_ client: any TestClientProtocol, username: String, otp: String?, scope: String) async throws -> (String, String) {
        let verifier = PKCE.makeVerifier()
        let request: [(String, String)] = [
            ("response_type", "code"), ("client_id", "app"), ("redirect_uri", redirect), ("scope", scope), ("state", "xyz"),
            ("aud", base), ("code_challenge", PKCE.challenge(for: verifier)), ("code_challenge_method", "S256"), ("nonce", "n-1"),
        ]
        let page = try await client.execute(uri: "/authorize?" + FormEncoding.encode(request), method: .get)
        #expect(page.status == .ok)
        #expect(String(buffer: page.body).contains(#"name="password""#))
        #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
        var fields = request + [("username", username), ("password", password), ("decision", "allow")]
        if let otp { fields.append(("otp", otp)) }
        for scope in scope.split(separator: " ") { fields.append(("grant", String(scope))) }
        let submitted = try await client.execute(uri: "/authorize", method: .post, headers: formHeaders, body: form(fields))
        #expect(submitted.status == .seeOther)
        let location = try #require(submitted.headers[.location])
        #expect(location.hasPrefix(redirect + "?"))
        let answer = query(location)
        #expect(answer["state"] == "xyz")
        let code = try #require(answer["code"])
        return (code, verifier)
    }

    @Test func aCodeWorksOnceAndItsReplayRevokesWhatItIssued() async throws {
        try await withApp { client, _ in
            let (code, verifier) = try await Self.authorize(client, username: "alice", otp: nil, scope: "patient/*.rs")
            let exchange: [(String, String)] = [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.redirect), ("client_id", "app"), ("code_verifier", verifier),
            ]
            let first = try await client.execute(uri: "/token", method: .post, headers: Self.formHeaders, body: Self.form(exchange))
            #expect(first.status == .ok)
            let tokens = try Self.json(first.body)
            let access = try #require(tokens["access_token"] as? String)
            let refresh = try #require(tokens["refresh_token"] as? String)
            #expect(try await client.execute(uri: "/test/whoami", method: .get, headers: [.authorization: "Bearer " + access]).status == .ok)
            let replay = try await client.execute(uri: "/token", method: .post, headers: Self.formHeaders, body: Self.form(exchange))
            #expect(replay.status == .badRequest)
            #expect(try Self.json(replay.body)["error"] as? String == "invalid_grant")
            #expect(try await client.execute(uri: "/test/whoami", method: .get, headers: [.authorization: "Bearer " + access]).status == .unauthorized)
            let refreshed = try await client.execute(uri: "/token", method: .post, headers: Self.formHeaders, body: Self.form([
                ("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "app"),
            ]))
            #expect(refreshed.status == .badRequest)
        }
    }

    @Test func aWrongVerifierOrRedirectFailsTheExchange() async throws {
        try await withApp { client, _ in
            let (code, _) = try await Self.authorize(client, username: "alice", otp: nil, scope: "patient/*.rs")
            let wrong = try await client.execute(uri: "/token", method: .post, headers: Self.formHeaders, body: Self.form([
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.redirect), ("client_id", "app"),
                ("code_verifier", PKCE.makeVerifier()),
            ]))
            #expect(wrong.status == .badRequest)
            #expect(try Self.json(wrong.body)["error"] as? String == "invalid_grant")
            let unsupported = try await client.execute(uri: "/token", method: .post, headers: Self.formHeaders, body: Self.form([("grant_type", "password")]))
            #expect(try Self.json(unsupported.body)["error"] as? String == "unsupported_grant_type")
        }
    }

    @Test func authorizationCodeFlowWithPKCEForAProfessional() async throws {
        try await withApp { client, world in
            let tokens = try await Self.signIn(client, username: "dr.martin", otp: world.doctorTOTP.code(at: Date()),
                                               scope: "openid fhirUser user/*.rs patient/*.rs offline_access")
            #expect(tokens["token_type"] as? String == "Bearer")
            #expect(tokens["scope"] as? String == "openid fhirUser user/*.rs offline_access")
            #expect(tokens["expires_in"] as? Int == 3600)
            #expect(tokens["refresh_token"] is String)
            #expect(tokens["id_token"] is String)
            let access = try #require(tokens["access_token"] as? String)
            let whoami = try await client.execute(uri: "/test/whoami", method: .get, headers: [.authorization: "Bearer " + access])
            #expect(String(buffer: whoami.body) == "dr.martin Practitioner/p1")
            let identity = try await world.auth.verifier.verify(bearer: access)
            #expect(identity.role?.description == "PractitionerRole/r1")
            #expect(identity.clientID == "app")
        }
    }

    @Test func patientsGetTheirOwnRecordInContext() async throws {
        try await withApp { client, _ in
            let tokens = try await Self.signIn(client, username: "alice", otp: nil, scope: "launch/patient patient/*.rs openid")
            #expect(tokens["patient"] as? String == "pat-1")
            #expect(tokens["scope"] as? String == "launch/patient patient/*.rs openid")
        }
    }

    @Test func professionalsCannotSignInWithoutTheirSecondFactor() async throws {
        try await withApp { client, _ in
            let verifier = PKCE.makeVerifier()
            let fields: [(String, String)] = [
                ("response_type", "code"), ("client_id", "app"), ("redirect_uri", Self.redirect), ("scope", "user/*.rs"),
                ("code_challenge", PKCE.challenge(for: verifier)), ("code_challenge_method", "S256"),
                ("username", "dr.martin"), ("password", Self.password), ("decision", "allow"),
            ]
            let response = try await client.execute(uri: "/authorize", method: .post, headers: Self.formHeaders, body: Self.form(fields))
            #expect(response.status == .unauthorized)
            #expect(String(buffer: response.body).contains("authenticator code is wrong"))
            let wrongPassword = fields.map { $0.0 == "password" ? ($0.0, "wrong password!") : $0 }
            let refused = try await client.execute(uri: "/authorize", method: .post, headers: Self.formHeaders, body: Self.form(wrongPassword))
            #expect(refused.status == .unauthorized)
            // The same words whichever part failed: the page never confirms a guessed password.
            #expect(String(buffer: refused.body).contains("authenticator code is wrong"))
        }
    }

    @Test func badAuthorizationRequestsAreRefusedSafely() async throws {
        try await withApp { client, _ in
            // Unregistered redirect URI: shown on the page, never redirected to.
            let evil = try await client.execute(uri: "/authorize?response_type=code&client_id=app&redirect_uri=https%3A%2F%2Fevil.example%2F&scope=openid", method: .get)
            #expect(evil.status == .badRequest)
            #expect(evil.headers[.location] == nil)
            // PKCE plain: sent back to the app as invalid_request.
            let plain = try await client.execute(
                uri: "/authorize?response_type=code&client_id=app&scope=openid&state=s&code_challenge_method=plain&code_challenge=" + PKCE.challenge(for: "x"),
                method: .get)
            #expect(plain.status == .seeOther)
            let answer = Self.query(try #require(plain.headers[.location]))
            #expect(answer["error"] == "invalid_request")
            #expect(answer["state"] == "s")
        }
    }

    @Test func refreshTokensRotateAndAReusedOneEndsTheSession() async throws {
        try await withApp { client, _ in
            let tokens = try await Self.signIn(client, username: "alice", otp: nil, scope: "patient/*.rs launch/patient")
            let first = try #require(tokens["refresh_token"] as? String)
            let refreshed = try await client.execute(uri: "/token", method: .post, headers: Self.formHeaders, body: Self.form([
                ("grant_type", "refresh_token"), ("refresh_token", first), ("client_id", "app"),
            ]))
            #expect(refreshed.status == .ok)
            let second = try #require(try Self.json(refreshed.body)["refresh_token"] as? String)
            #expect(second != first)
            let reused = try await client.execute(uri: "/token", method: .post, headers: Self.formHeaders, body: Self.form([
                ("grant_type", "refresh_token"), ("refresh_token", first), ("client_id", "app"),
            ]))
            #expect(reused.status == .badRequest)
            #expect(try Self.json(reused.body)["error"] as? String == "invalid_grant")
            // Reuse of a rotated token revokes its whole family, the live successor included.
            let afterTheft = try await client.execute(uri: "/token", method: .post, headers: Self.formHeaders, body: Self.form([
                ("grant_type", "refresh_token"), ("refresh_token", second), ("client_id", "app"),
            ]))
            #expect(afterTheft.status == .badRequest)
        }
    }

    @Test func revokedTokensIntrospectAsInactive() async throws {
        try await withApp { client, world in
            let tokens = try await Self.signIn(client, username: "alice", otp: nil, scope: "patient/*.rs")
            let access = try #require(tokens["access_token"] as? String)
            let refresh = try #require(tokens["refresh_token"] as? String)
            let admin = try await world.auth.issueOperatorToken(for: .admin, operatorName: "test").token
            func introspect(_ token: String) async throws -> [String: Any] {
                let response = try await client.execute(uri: "/introspect", method: .post,
                                                        headers: [.contentType: "application/x-www-form-urlencoded", .authorization: "Bearer " + admin],
                                                        body: Self.form([("token", token)]))
                #expect(response.status == .ok)
                return try Self.json(response.body)
            }
            let live = try await introspect(access)
            #expect(live["active"] as? Bool == true)
            #expect(live["sub"] as? String == "alice")
            #expect(live["patient"] as? String == "pat-1")
            #expect(try await introspect(refresh)["active"] as? Bool == true)
            for token in [access, refresh] {
                let revoked = try await client.execute(uri: "/revoke", method: .post, headers: Self.formHeaders, body: Self.form([("token", token)]))
                #expect(revoked.status == .ok)
                let answer = try await introspect(token)
                #expect(answer["active"] as? Bool == false)
                #expect(answer.count == 1)
            }
            let refused = try await client.execute(uri: "/fhir/metadata", method: .get, headers: [.authorization: "Bearer " + access])
            #expect(refused.status == .unauthorized)
            let anonymous = try await client.execute(uri: "/introspect", method: .post, headers: Self.formHeaders, body: Self.form([("token", access)]))
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test func backendServicesUseClientCredentialsWithPrivateKeyJWT() async throws {
        try await withApp { client, world in
            let key = ES256PrivateKey()
            let parameters = key.parameters!
            let jwks = #"{"keys":[{"kty":"EC","crv":"P-256","alg":"ES256","kid":"k1","x":"\#(parameters.x)","y":"\#(parameters.y)"}]}"#
            _ = try await world.auth.registerClient(clientID: "lab-feed", redirectURIs: [], jwksJSON: jwks)
            struct Assertion: JWTPayload {
                var iss: IssuerClaim, sub: SubjectClaim, aud: AudienceClaim, exp: ExpirationClaim, jti: IDClaim
                func verify(using algorithm: some JWTAlgorithm) async throws {}
            }
            let signer = await JWTKeyCollection().add(ecdsa: key, kid: "k1")
            let assertion = try await signer.sign(Assertion(
                iss: "lab-feed", sub: "lab-feed", aud: AudienceClaim(value: ["http://localhost/token"]),
                exp: ExpirationClaim(value: Date().addingTimeInterval(240)), jti: IDClaim(value: UUID().uuidString)), kid: "k1")
            let fields: [(String, String)] = [
                ("grant_type", "client_credentials"), ("scope", "system/*.rs"),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), ("client_assertion", assertion),
            ]
            let response = try await client.execute(uri: "/token", method: .post, headers: Self.formHeaders, body: Self.form(fields))
            #expect(response.status == .ok)
            let tokens = try Self.json(response.body)
            #expect(tokens["scope"] as? String == "system/*.rs")
            #expect(tokens["refresh_token"] == nil)
            let access = try #require(tokens["access_token"] as? String)
            let whoami = try await client.execute(uri: "/test/whoami", method: .get, headers: [.authorization: "Bearer " + access])
            #expect(String(buffer: whoami.body) == "lab-feed -")
            let replay = try await client.execute(uri: "/token", method: .post, headers: Self.formHeaders, body: Self.form(fields))
            #expect(replay.status == .unauthorized)
            #expect(try Self.json(replay.body)["error"] as? String == "invalid_client")
        }
    }

    @Test func smartConfigurationAdvertisesTheV2Capabilities() async throws {
        try await withApp { client, world in
            for path in ["/.well-known/smart-configuration", "/fhir/.well-known/smart-configuration"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok)
                let document = try Self.json(response.body)
                #expect(document["issuer"] as? String == "http://localhost")
                #expect(document["token_endpoint"] as? String == "http://localhost/token")
                #expect(document["authorization_endpoint"] as? String == "http://localhost/authorize")
                #expect(document["introspection_endpoint"] as? String == "http://localhost/introspect")
                #expect(document["revocation_endpoint"] as? String == "http://localhost/revoke")
                #expect(document["jwks_uri"] as? String == "http://localhost/.well-known/jwks.json")
                #expect(document["code_challenge_methods_supported"] as? [String] == ["S256"])
                #expect((document["token_endpoint_auth_methods_supported"] as? [String])?.contains("private_key_jwt") == true)
                #expect(Set(document["grant_types_supported"] as? [String] ?? []) == ["authorization_code", "refresh_token", "client_credentials"])
                let capabilities = Set(document["capabilities"] as? [String] ?? [])
                for required in ["launch-standalone", "client-public", "client-confidential-asymmetric", "permission-v2",
                                 "sso-openid-connect", "context-standalone-patient"] {
                    #expect(capabilities.contains(required), "\(required)")
                }
            }
            let jwks = try Self.json(try await client.execute(uri: "/.well-known/jwks.json", method: .get).body)
            let keys = try #require(jwks["keys"] as? [[String: Any]])
            #expect(keys.first?["kid"] as? String == world.auth.signingKey.kid)
            #expect(keys.first?["d"] == nil)
        }
    }

    @Test func middlewareAcceptsOperatorTokensAndRefusesTamperedOnes() async throws {
        try await withApp { client, world in
            let token = try await world.auth.issueOperatorToken(
                for: .user(ActorReference("Practitioner/p9")!, role: ActorReference("PractitionerRole/r9")), operatorName: "test").token
            let whoami = try await client.execute(uri: "/test/whoami", method: .get, headers: [.authorization: "Bearer " + token])
            #expect(whoami.status == .ok)
            #expect(String(buffer: whoami.body) == "Practitioner/p9 Practitioner/p9")
            let metadata = try await client.execute(uri: "/fhir/metadata", method: .get, headers: [.authorization: "Bearer " + token])
            #expect(metadata.status == .ok)

            var parts = token.split(separator: ".").map(String.init)
            let payload = String(decoding: Base64URL.decode(parts[1])!, as: UTF8.self).replacingOccurrences(of: "p9", with: "p1")
            parts[1] = Base64URL.encode(Array(payload.utf8))
            let tampered = try await client.execute(uri: "/fhir/metadata", method: .get, headers: [.authorization: "Bearer " + parts.joined(separator: ".")])
            #expect(tampered.status == .unauthorized)
            #expect(tampered.headers[.wwwAuthenticate]?.hasPrefix(#"Bearer error="invalid_token""#) == true)

            // No token: FHIR still answers (enforcement comes later), with no identity in the context.
            #expect(try await client.execute(uri: "/fhir/metadata", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/test/whoami", method: .get).status == .unauthorized)
        }
    }

    @Test func capabilityStatementAnnouncesTheOAuthEndpoints() async throws {
        try await withApp { client, _ in
            let response = try await client.execute(uri: "/fhir/metadata", method: .get)
            let statement = try Self.json(response.body)
            let rest = try #require((statement["rest"] as? [[String: Any]])?.first)
            let security = try #require(rest["security"] as? [String: Any])
            let service = try #require((security["service"] as? [[String: Any]])?.first)
            #expect(((service["coding"] as? [[String: Any]])?.first?["code"] as? String) == "SMART-on-FHIR")
            let oauth = try #require((security["extension"] as? [[String: Any]])?.first)
            #expect(oauth["url"] as? String == "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris")
            var uris: [String: String] = [:]
            for item in oauth["extension"] as? [[String: Any]] ?? [] { uris[item["url"] as? String ?? ""] = item["valueUri"] as? String }
            #expect(uris == ["authorize": "http://localhost/authorize", "token": "http://localhost/token",
                             "introspect": "http://localhost/introspect", "revoke": "http://localhost/revoke"])
        }
    }
}
