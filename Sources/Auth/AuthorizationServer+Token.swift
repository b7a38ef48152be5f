import Foundation

extension AuthorizationServer {
    /// Answers `POST /token` for its form parameters: `authorization_code` (with PKCE), `refresh_token`
    /// (rotating) and `client_credentials` (with a `private_key_jwt` assertion).
    public func token(_ parameters: [String: String]) async throws(OAuthError) -> TokenResponse {
        do {
            switch parameters["grant_type"] {
            case "authorization_code": return try await exchangeCode(parameters)
            case "refresh_token": return try await refresh(parameters)
            case "client_credentials": return try await clientCredentials(parameters)
            case nil: throw OAuthError(.invalidRequest, "grant_type is required")
            case let other?: throw OAuthError(.unsupportedGrantType, "grant_type \(other) is not supported")
            }
        } catch let error as OAuthError {
            throw error
        } catch {
            logger.error("token endpoint failed: \(error)")
            throw OAuthError(.serverError, "the request could not be processed")
        }
    }

    /// The client making a token request: a confidential one by its assertion, a public one by `client_id`.
    func authenticateClient(_ parameters: [String: String]) async throws -> OAuthClient {
        if let assertion = parameters["client_assertion"] {
            guard parameters["client_assertion_type"] == ClientAssertionVerifier.assertionType else {
                throw OAuthError(.invalidClient, "client_assertion_type must be \(ClientAssertionVerifier.assertionType)")
            }
            return try await assertions.authenticate(assertion: assertion, claimedClientID: parameters["client_id"], now: now())
        }
        guard let clientID = parameters["client_id"], let client = try await store.client(id: clientID) else {
            throw OAuthError(.invalidClient, "unknown client_id")
        }
        guard client.kind == .public else { throw OAuthError(.invalidClient, "this client must authenticate with private_key_jwt") }
        return client
    }

    func exchangeCode(_ parameters: [String: String]) async throws -> TokenResponse {
        let client = try await authenticateClient(parameters)
        guard let code = parameters["code"], let redirectURI = parameters["redirect_uri"], let verifier = parameters["code_verifier"] else {
            throw OAuthError(.invalidRequest, "code, redirect_uri and code_verifier are required")
        }
        let digest = SecureRandom.digest(code)
        let record: AuthorizationCodeRecord
        switch try await store.redeemAuthorizationCode(digest: digest, now: now()) {
        case .fresh(let fresh) where fresh.expiresAt > now():
            record = fresh
        case .replayed(let accessTokenID?, let accessExpiresAt?):
            try await store.revokeAccessToken(id: accessTokenID, expiresAt: accessExpiresAt)
            self.verifier.verified.forget(tokenID: accessTokenID)
            logger.warning("authorization code used twice: what it issued is revoked")
            throw OAuthError(.invalidGrant, "the authorization code is unknown, used or expired")
        default:
            throw OAuthError(.invalidGrant, "the authorization code is unknown, used or expired")
        }
        guard record.grant.clientID == client.clientID else { throw OAuthError(.invalidGrant, "the code was issued to another client") }
        guard record.redirectURI == redirectURI else { throw OAuthError(.invalidGrant, "redirect_uri differs from the authorization request") }
        guard PKCE.verify(verifier: verifier, challenge: record.codeChallenge) else {
            throw OAuthError(.invalidGrant, "code_verifier does not match the code_challenge")
        }
        let grant = record.grant
        let access = try await issuer.accessToken(for: grant, now: now())
        try await logIssued(access, grant: grant, via: "authorization_code")
        let refreshToken = SecureRandom.token()
        let familyID = UUID().uuidString
        try await store.insertRefreshToken(RefreshTokenRecord(
            tokenDigest: SecureRandom.digest(refreshToken), familyID: familyID, grant: grant, issuedAt: now(),
            expiresAt: now().addingTimeInterval(TimeInterval(configuration.sessionLifetime.seconds))))
        try await store.recordCodeIssuance(digest: digest, familyID: familyID, accessTokenID: access.tokenID, accessExpiresAt: access.expiresAt)
        let idToken = grant.scopes.contains(.openid) ? try await issuer.idToken(for: grant, nonce: record.nonce, now: now()) : nil
        return TokenResponse(access_token: access.token, token_type: "Bearer", expires_in: access.expiresIn, scope: grant.scopes.description,
                             refresh_token: refreshToken, id_token: idToken, patient: grant.patient?.id)
    }

    func refresh(_ parameters: [String: String]) async throws -> TokenResponse {
        let client = try await authenticateClient(parameters)
        guard let presented = parameters["refresh_token"] else { throw OAuthError(.invalidRequest, "refresh_token is required") }
        let digest = SecureRandom.digest(presented)
        let successor = SecureRandom.token()
        if let current = try await store.activeRefreshToken(digest: digest, now: now()), current.grant.clientID != client.clientID {
            throw OAuthError(.invalidGrant, "the refresh token was issued to another client")
        }
        guard let record = try await store.rotateRefreshToken(digest: digest, successorDigest: SecureRandom.digest(successor), now: now()) else {
            throw OAuthError(.invalidGrant, "the refresh token is unknown, expired, revoked or already used")
        }
        var grant = record.grant
        if let requested = parameters["scope"] {
            let narrowed = ScopeSet(parsing: requested)
            guard narrowed.unrecognised.isEmpty, narrowed.scopes.allSatisfy(grant.scopes.contains) else {
                throw OAuthError(.invalidScope, "a refresh may only narrow the granted scopes")
            }
            grant.scopes = narrowed
        }
        let access = try await issuer.accessToken(for: grant, now: now())
        try await logIssued(access, grant: grant, via: "refresh_token")
        return TokenResponse(access_token: access.token, token_type: "Bearer", expires_in: access.expiresIn, scope: grant.scopes.description,
                             refresh_token: successor, id_token: nil, patient: grant.patient?.id)
    }

    func clientCredentials(_ parameters: [String: String]) async throws -> TokenResponse {
        guard parameters["client_assertion"] != nil else {
            throw OAuthError(.invalidClient, "client_credentials needs a private_key_jwt client_assertion")
        }
        let client = try await authenticateClient(parameters)
        let requested = ScopeSet(parsing: parameters["scope"] ?? "")
        let scopes = requested.filter { if case .resource(let scope) = $0 { scope.context == .system } else { false } }
        guard !scopes.isEmpty else { throw OAuthError(.invalidScope, "backend services are granted system/ scopes only") }
        let grant = TokenGrant(subject: client.clientID, scopes: scopes, clientID: client.clientID)
        let access = try await issuer.accessToken(for: grant, now: now())
        try await logIssued(access, grant: grant, via: "client_credentials")
        return TokenResponse(access_token: access.token, token_type: "Bearer", expires_in: access.expiresIn, scope: scopes.description,
                             refresh_token: nil, id_token: nil, patient: nil)
    }
}
