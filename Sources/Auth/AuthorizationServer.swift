import Foundation
import Logging

/// The OAuth 2.0 / OpenID Connect authorisation server of SMART App Launch v2, without HTTP: the authorization
/// code flow with PKCE, refresh-token rotation, SMART Backend Services (`client_credentials` with
/// `private_key_jwt`), introspection, revocation, and the administration of accounts, clients and operator tokens.
/// The HTTP layer (DossierHTTP) only adapts requests to these methods.
public struct AuthorizationServer: Sendable {
    /// The database file name inside the data folder.
    public static let databaseFileName = "auth.sqlite"

    /// The configuration in force.
    public let configuration: AuthConfiguration
    /// Accounts, clients and token state.
    public let store: any AuthStore
    /// The key tokens are signed with.
    public let signingKey: SigningKey
    /// Verifies bearer tokens (this server's and external issuers').
    public let verifier: TokenVerifier
    let issuer: TokenIssuer
    let hasher: PasswordHasher
    let assertions: ClientAssertionVerifier
    /// Slows guessing of passwords and codes.
    public let throttle: SignInThrottle
    let now: @Sendable () -> Date
    let logger: Logger

    /// A server over `store`, signing with `signingKey`; `now` is injectable for tests.
    public init(configuration: AuthConfiguration, store: any AuthStore, signingKey: SigningKey,
                externalKeys: ExternalKeyCache = ExternalKeyCache(), throttle: SignInThrottle = SignInThrottle(),
                now: @escaping @Sendable () -> Date = Date.init, logger: Logger = Logger(label: "dossier.auth")) async {
        self.configuration = configuration
        self.store = store
        self.signingKey = signingKey
        self.now = now
        self.logger = logger
        self.throttle = throttle
        verifier = await TokenVerifier(configuration: configuration, signingKey: signingKey, store: store, externalKeys: externalKeys, now: now)
        issuer = await TokenIssuer(configuration: configuration, signingKey: signingKey)
        hasher = PasswordHasher(cost: configuration.passwordCost)
        assertions = ClientAssertionVerifier(configuration: configuration, store: store)
    }

    /// Opens the server's state in the data folder at `path` (created if missing): `auth.sqlite` and the signing key
    /// (created on first start, mode 0600).
    public static func open(dataDirectory path: String, configuration: AuthConfiguration,
                            logger: Logger = Logger(label: "dossier.auth")) async throws -> AuthorizationServer {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let store = try SQLiteAuthStore(path: (path as NSString).appendingPathComponent(databaseFileName))
        let key = try SigningKey.loadOrCreate(at: (path as NSString).appendingPathComponent(SigningKey.fileName))
        return await AuthorizationServer(configuration: configuration, store: store, signingKey: key, logger: logger)
    }

    /// Records the issuer and audience in force, so that `dossier token` run beside the data folder signs tokens
    /// this server accepts.
    public func publishSettings() async throws {
        try await store.setSetting(Self.issuerSetting, value: configuration.issuer)
        try await store.setSetting(Self.audienceSetting, value: configuration.audience)
    }

    /// The setting holding the issuer last published by `serve`.
    public static let issuerSetting = "issuer"
    /// The setting holding the audience (FHIR base URL) last published by `serve`.
    public static let audienceSetting = "audience"

    /// What `GET /.well-known/smart-configuration` answers.
    public var smartConfiguration: SMARTConfiguration { SMARTConfiguration(configuration) }

    /// Logs an issued access token (who, how), for audit.
    func logIssued(_ token: IssuedAccessToken, grant: TokenGrant, via: String, operatorName: String? = nil) async throws {
        logger.info("token issued", metadata: [
            "jti": "\(token.tokenID)", "sub": "\(grant.subject)", "via": "\(via)", "client": "\(grant.clientID ?? "-")",
            "operator": "\(operatorName ?? "-")",
        ])
        try await store.recordIssuedToken(IssuedTokenRecord(tokenID: token.tokenID, grant: grant, via: via, operatorName: operatorName,
                                                            issuedAt: now(), expiresAt: token.expiresAt))
    }
}
