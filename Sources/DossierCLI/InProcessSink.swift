import FHIRServer
import Logging
import SQLiteStore

/// Sends Bundles straight to a ``FHIRService`` over the embedded store in a data folder, without HTTP.
struct InProcessSink: BundleSink {
    let service: FHIRService

    /// Opens the store in `dataDirectory` with limits suited to loading the user's own files (large Bundles allowed).
    init(dataDirectory: DataDirectory, logger: Logger) throws {
        let store = try dataDirectory.openStore()
        var configuration = ServerConfiguration(maxBodyBytes: Int(Int32.max), maxBundleEntries: 1_000_000)
        // Loading a history does not notify GPs of each old document (docs/ARCHITECTURE.md, "Notifications").
        configuration.notifications = false
        service = FHIRService(store: store, configuration: configuration, logger: logger)
    }

    func submit(_ bundle: [UInt8]) async throws -> FHIRResponse {
        await service.handle(FHIRRequest(method: .post, path: [], headers: bundleRequestHeaders, body: bundle))
    }

    func shutdown() async throws { try await service.store.close() }
}
