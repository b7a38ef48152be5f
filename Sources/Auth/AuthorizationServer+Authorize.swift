import Foundation

extension AuthorizationServer {
    /// Validates the parameters of `GET /authorize` (or of the sign-in form that carries them back).
    public func validateAuthorizationRequest(_ parameters: [String: String]) async throws(AuthorizationRequestError) -> AuthorizationRequest {
        guard let clientID = parameters["client_id"], !clientID.isEmpty else { throw .cannotRedirect("The request names no application (client_id).") }
        let client: OAuthClient?
        do { client = try await store.client(id: clientID) } catch { throw .cannotRedirect("The application registry cannot be read.") }
        guard let client, !client.redirectURIs.isEmpty else { throw .cannotRedirect("This application (\(clientID)) is not registered.") }
        let redirectURI: String
        if let given = parameters["redirect_uri"] {
            guard client.redirectURIs.contains(given) else { throw .cannotRedirect("The redirect URI is not registered for this application.") }
            redirectURI = given
        } else if client.redirectURIs.count == 1 {
            redirectURI = client.redirectURIs[0]
        } else {
            throw .cannotRedirect("The request names no redirect URI (redirect_uri).")
        }
        let state = parameters["state"]
        func fail(_ code: OAuthError.Code, _ message: String) -> AuthorizationRequestError {
            .redirect(OAuthError(code, message), redirectURI: redirectURI, state: state)
        }
        guard parameters["response_type"] == "code" else { throw fail(.unsupportedResponseType, "response_type must be code") }
        guard let challenge = parameters["code_challenge"], PKCE.isWellFormedChallenge(challenge) else {
            throw fail(.invalidRequest, "a PKCE code_challenge (S256) is required")
        }
        guard PKCE.isSupported(method: parameters["code_challenge_method"]) else {
            throw fail(.invalidRequest, "code_challenge_method must be S256 (plain is refused)")
        }
        if let audience = parameters["aud"], audience.trimmingCharacters(in: ["/"]) != configuration.audience.trimmingCharacters(in: ["/"]) {
            throw fail(.invalidRequest, "aud must be this server's FHIR base URL \(configuration.audience)")
        }
        let scopes = ScopeSet(parsing: parameters["scope"] ?? "")
        guard !scopes.isEmpty else { throw fail(.invalidScope, "no scope this server grants was requested") }
        return AuthorizationRequest(client: client, redirectURI: redirectURI, state: state, scopes: scopes, codeChallenge: challenge,
                                    nonce: parameters["nonce"], parameters: parameters)
    }

    /// Checks a username, password and (for professionals, and for any account that has one) TOTP code. A TOTP
    /// code is accepted once only. Every failure reads the same to the person signing in, so that the page never
    /// confirms a guessed password or an existing username.
    /// Repeated failures for a username are slowed down by ``throttle``.
    public func signIn(username: String, password: String, oneTimeCode: String?) async throws -> UserAccount {
        if let wait = await throttle.retryAfter(username, now: now()) {
            throw SignInError(.throttled, "Too many failed attempts: try again in \(Int(wait)) seconds.")
        }
        do {
            let account = try await checkCredentials(username: username, password: password, oneTimeCode: oneTimeCode)
            await throttle.recordSuccess(username)
            logger.notice("sign-in", metadata: ["username": "\(username)", "fhirUser": "\(account.binding.fhirUser)", "outcome": "success"])
            return account
        } catch let error as SignInError {
            await throttle.recordFailure(username, now: now())
            logger.notice("sign-in", metadata: ["username": "\(username)", "outcome": "failure"])
            throw error
        }
    }

    func checkCredentials(username: String, password: String, oneTimeCode: String?) async throws -> UserAccount {
        let account = try await store.account(username: username)
        guard let account else {
            _ = hasher.verify(password, against: timingDecoy)
            throw SignInError(.wrongCredentials, Self.failureMessage)
        }
        guard hasher.verify(password, against: account.passwordHash) else {
            throw SignInError(.wrongCredentials, Self.failureMessage)
        }
        if let secret = account.totpSecret {
            guard let code = oneTimeCode, !code.isEmpty else {
                throw SignInError(.secondFactorRequired, Self.failureMessage)
            }
            guard let step = TOTP(secret: secret).matchingStep(code, at: now()),
                  try await store.recordTOTPStep(username: username, step: step) else {
                throw SignInError(.wrongSecondFactor, Self.failureMessage)
            }
        }
        return account
    }

    /// The scopes `binding` may be granted among `requested`: `patient/` scopes need a patient in context (a
    /// patient, or a representative whose patient is known), `system/` scopes are for backend services only,
    /// `launch/patient` only when there is a patient to put in context, EHR `launch` is not offered.
    public static func grantableScopes(_ requested: ScopeSet, for binding: AccountBinding) -> ScopeSet {
        let hasPatient = binding.patientContext != nil
        return requested.filter { scope in
            switch scope {
            case .resource(let resource):
                switch resource.context {
                case .patient: hasPatient
                case .user: true
                case .system: false
                }
            case .launchPatient: hasPatient
            case .launch: false
            case .openid, .fhirUser, .offlineAccess, .onlineAccess: true
            }
        }
    }

    /// Issues a single-use authorization code for `account` and returns the URL to redirect the browser to.
    /// `approved` lists the scope texts the person left ticked (`nil`: all that may be granted).
    public func approve(_ request: AuthorizationRequest, account: UserAccount, approved: Set<String>?) async throws -> String {
        var scopes = Self.grantableScopes(request.scopes, for: account.binding)
        if let approved { scopes = scopes.filter { approved.contains($0.text) } }
        guard !scopes.resourceScopes.isEmpty || scopes.contains(.openid) else {
            return AuthorizationRequestError.redirect(OAuthError(.accessDenied, "no scope was granted"), redirectURI: request.redirectURI,
                                                      state: request.state).redirectURL!
        }
        let usesPatient = scopes.contains(.launchPatient) || scopes.resourceScopes.contains { $0.context == .patient }
        let grant = TokenGrant(subject: account.username, fhirUser: account.binding.fhirUser, role: account.binding.role,
                               patient: usesPatient ? account.binding.patientContext : nil, scopes: scopes,
                               clientID: request.client.clientID, authTime: now())
        let code = SecureRandom.token()
        try await store.insertAuthorizationCode(AuthorizationCodeRecord(
            codeDigest: SecureRandom.digest(code), grant: grant, redirectURI: request.redirectURI, codeChallenge: request.codeChallenge,
            nonce: request.nonce, expiresAt: now().addingTimeInterval(TimeInterval(configuration.authorizationCodeLifetime.seconds))))
        var items = [("code", code)]
        if let state = request.state { items.append(("state", state)) }
        return FormEncoding.appendQuery(items, to: request.redirectURI)
    }

    /// The URL telling the client the person declined.
    public func deny(_ request: AuthorizationRequest) -> String {
        AuthorizationRequestError.redirect(OAuthError(.accessDenied, "the user declined"), redirectURI: request.redirectURI,
                                           state: request.state).redirectURL!
    }

    /// What a failed sign-in says, whatever failed.
    static let failureMessage = "The username, password or authenticator code is wrong (professionals: each 6-digit code works once)."

    /// A hash verified when the username is unknown, so that both cases take the same time.
    var timingDecoy: String {
        let cost = hasher.cost
        return "$scrypt$ln=\(cost.logRounds),r=\(cost.blockSize),p=\(cost.parallelism)$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    }
}
