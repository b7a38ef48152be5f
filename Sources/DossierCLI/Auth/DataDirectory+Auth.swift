import Auth
import Foundation

extension DataDirectory {
    /// The sign-in database inside the folder.
    var authDatabasePath: String { (path as NSString).appendingPathComponent(AuthorizationServer.databaseFileName) }

    /// The signing key inside the folder.
    var signingKeyPath: String { (path as NSString).appendingPathComponent(SigningKey.fileName) }

    /// Opens the authorisation server's state in this folder (creating the folder, `auth.sqlite` and the signing key
    /// if missing).
    func openAuthServer(configuration: AuthConfiguration) async throws -> AuthorizationServer {
        try await AuthorizationServer.open(dataDirectory: path, configuration: configuration)
    }

    /// Opens the authorisation server with the issuer and audience `serve` last published in this folder (so that
    /// `dossier token` signs what the server accepts); the defaults of `serve` when it never ran here.
    func openAuthServerAsPublished() async throws -> AuthorizationServer {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let store = try SQLiteAuthStore(path: authDatabasePath)
        var configuration = AuthConfiguration(fhirBaseURL: try await store.setting(AuthorizationServer.audienceSetting) ?? Self.defaultBaseURL)
        if let issuer = try await store.setting(AuthorizationServer.issuerSetting) { configuration.issuer = issuer }
        let key = try SigningKey.loadOrCreate(at: signingKeyPath)
        return await AuthorizationServer(configuration: configuration, store: store, signingKey: key)
    }

    /// The FHIR base URL of `dossier serve` with no flags.
    static let defaultBaseURL = "http://127.0.0.1:8080/fhir"
}
