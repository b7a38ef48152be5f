import FHIRCore
import FHIRServer
import Foundation
import SQLiteStore
import Store

/// A FHIRService over a real SQLite file in a fresh temporary folder.
struct TestService {
    let service: FHIRService
    let directory: URL

    static func make(_ configuration: ServerConfiguration = .init(baseURL: "http://test/fhir")) throws -> TestService {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: dir.appendingPathComponent("dossier.sqlite").path)
        return TestService(service: FHIRService(store: store, configuration: configuration), directory: dir)
    }

    /// Sends a request; `body` is JSON text.
    func send(_ method: FHIRRequest.Method, _ path: String, body: String? = nil, headers: [String: String] = [:]) async -> FHIRResponse {
        let parts = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var h = headers
        if body != nil, h["content-type"] == nil { h["content-type"] = "application/fhir+json" }
        let request = FHIRRequest(
            method: method,
            path: parts[0].split(separator: "/").map { String($0).removingPercentEncoding! },
            query: parts.count > 1 ? QueryString.parse(String(parts[1])) : [],
            headers: h,
            body: body.map { Array($0.utf8) } ?? []
        )
        return await service.handle(request)
    }

    func close() async { try? await service.store.close(); try? FileManager.default.removeItem(at: directory) }
}

extension FHIRResponse {
    /// The body parsed as JSON (`.null` when empty or not JSON).
    var json: JSON { (try? JSON.parse(body)) ?? .null }
}
