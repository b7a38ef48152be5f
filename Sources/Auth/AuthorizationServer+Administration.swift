import Foundation
import JWTKit

extension AuthorizationServer {
    /// The shortest password accepted for a new account.
    public static let minimumPasswordLength = 10

    /// Creates an account for `binding`; professionals always get a TOTP secret, others when `withTOTP` is set.
    /// Returns the account and its TOTP generator (to show the provisioning URI once).
    public func createAccount(username: String, password: String, binding: AccountBinding, withTOTP: Bool = false) async throws -> (UserAccount, TOTP?) {
        guard UserAccount.isValidUsername(username) else {
            throw AuthStoreError(.invalid, "A username is 1 to 64 letters, digits, '.', '_', '-' or '@'.")
        }
        guard password.count >= Self.minimumPasswordLength else {
            throw AuthStoreError(.invalid, "A password needs at least \(Self.minimumPasswordLength) characters.")
        }
        let totp = binding.isProfessional || withTOTP ? TOTP.generate() : nil
        let account = UserAccount(username: username, passwordHash: try hasher.hash(password), totpSecret: totp?.secret, binding: binding,
                                  createdAt: now())
        try await store.insertAccount(account)
        return (account, totp)
    }

    /// Registers a public client (authorization code with PKCE, exact `redirectURIs`) or, with `jwksJSON`, a
    /// confidential backend client (`private_key_jwt`).
    public func registerClient(clientID: String, name: String? = nil, redirectURIs: [String], jwksJSON: String?) async throws -> OAuthClient {
        guard OAuthClient.isValidClientID(clientID) else { throw AuthStoreError(.invalid, "A client id is 1 to 128 visible ASCII characters.") }
        guard redirectURIs.isEmpty != (jwksJSON == nil) else {
            throw AuthStoreError(.invalid, "Give either redirect URIs (a public app) or a JWKS (a backend service), not both.")
        }
        for uri in redirectURIs {
            guard let url = URL(string: uri), let scheme = url.scheme, !scheme.isEmpty, url.fragment == nil else {
                throw AuthStoreError(.invalid, "Redirect URI \(uri) must be an absolute URI without a fragment.")
            }
        }
        if let jwksJSON {
            let jwks: JWKS
            do { jwks = try JSONDecoder().decode(JWKS.self, from: Data(jwksJSON.utf8)) } catch {
                throw AuthStoreError(.invalid, "The JWKS is not valid JSON Web Key Set: \(error)")
            }
            guard !jwks.keys.isEmpty, jwks.keys.allSatisfy({ $0.keyIdentifier != nil && $0.privateExponent == nil }) else {
                throw AuthStoreError(.invalid, "The JWKS must hold public keys only, each with a kid.")
            }
            do { _ = try await JWTKeyCollection().add(jwks: jwks) } catch {
                throw AuthStoreError(.invalid, "A key of the JWKS cannot be used: \(error)")
            }
        }
        let client = OAuthClient(clientID: clientID, name: name ?? clientID, kind: jwksJSON == nil ? .public : .confidentialAsymmetric,
                                 redirectURIs: redirectURIs, jwksJSON: jwksJSON, createdAt: now())
        try await store.insertClient(client)
        return client
    }

    /// The scopes an operator token gets when none are given: everything for `--admin` (system), the patient's
    /// whole record for a patient, what the user may see for professionals and representatives.
    public static func defaultOperatorScopes(for actor: OperatorActor) -> ScopeSet {
        switch actor {
        case .admin: ScopeSet(parsing: "system/*.cruds")
        case .user(let reference, _) where reference.type == "Patient": ScopeSet(parsing: "patient/*.cruds launch/patient")
        case .user: ScopeSet(parsing: "user/*.cruds")
        }
    }

    /// Issues an access token for `actor` directly (operators: scripts, tests, monitoring), logged in the issuance
    /// log with `operatorName`.
    public func issueOperatorToken(for actor: OperatorActor, scopes: ScopeSet? = nil, lifetime: Lifetime? = nil,
                                   operatorName: String?) async throws -> IssuedAccessToken {
        let grant: TokenGrant
        let granted = scopes ?? Self.defaultOperatorScopes(for: actor)
        switch actor {
        case .admin:
            grant = TokenGrant(subject: "admin", scopes: granted, isAdmin: true)
        case .user(let reference, let role):
            guard ["Patient", "Practitioner", "RelatedPerson"].contains(reference.type) else {
                throw AuthStoreError(.invalid, "--user takes Patient/ID, Practitioner/ID or RelatedPerson/ID.")
            }
            guard role == nil || (reference.type == "Practitioner" && role?.type == "PractitionerRole") else {
                throw AuthStoreError(.invalid, "--role takes PractitionerRole/ID, with --user Practitioner/ID only.")
            }
            grant = TokenGrant(subject: reference.description, fhirUser: reference, role: role,
                               patient: reference.type == "Patient" ? reference : nil, scopes: granted, authTime: now())
        }
        let token = try await issuer.accessToken(for: grant, lifetime: lifetime, now: now())
        try await logIssued(token, grant: grant, via: "operator", operatorName: operatorName)
        return token
    }
}
