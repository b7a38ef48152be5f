import Auth
import FHIRServer
import Foundation
import SQLiteStore

/// A fresh data folder for one HTTP test, opened as `dossier serve` opens it: the store, and the authorisation server
/// with the test app (`client_id` `app`, redirect ``AuthFlowTests/redirect``) registered.
struct TestDataFolder {
    let url: URL
    let store: SQLiteStore
    let auth: AuthorizationServer

    static func open(_ name: String, base: String) async throws -> TestDataFolder {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: url.appendingPathComponent("dossier.sqlite").path)
        let auth = try await AuthorizationServer.open(
            dataDirectory: url.path, configuration: AuthConfiguration(fhirBaseURL: base, passwordCost: .testing))
        _ = try await auth.registerClient(clientID: "app", name: "Test App", redirectURIs: [AuthFlowTests.redirect], jwksJSON: nil)
        return TestDataFolder(url: url, store: store, auth: auth)
    }

    /// A file inside the folder.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Closes the store and deletes the folder.
    func close() async throws {
        try await store.close()
        try? FileManager.default.removeItem(at: url)
    }
}
