import DossierHTTP
import FHIRCore
import FHIRServer
import Foundation
import Hummingbird
import HummingbirdTesting
import SQLiteStore
import Testing

/// `Patient/$summary` through Hummingbird: the document Bundle as FHIR JSON, and the printable page as HTML when
/// the client asks for it (`_format=html`, or a browser's `Accept`).
@Suite("Patient summary over HTTP")
struct SummaryHTTPTests {
    func withApp(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-summary-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(path: dir.appendingPathComponent("dossier.sqlite").path)
        let service = FHIRService(store: store, configuration: .init(baseURL: "http://localhost/fhir"))
        let app = buildApplication(service: service, http: .init())
        try await app.test(.router) { client in
            for (path, json) in [
                ("Patient/p1", #"{"resourceType":"Patient","id":"p1","name":[{"family":"Tom & <Jerry>"}]}"#),
                ("AllergyIntolerance/a1", #"{"resourceType":"AllergyIntolerance","id":"a1","code":{"text":"Penicillin <script>"},"patient":{"reference":"Patient/p1"}}"#),
            ] {
                try await client.execute(uri: "/fhir/\(path)", method: .put, headers: [.contentType: "application/fhir+json"],
                                         body: ByteBuffer(string: json)) { #expect($0.status == .created) }
            }
            try await body(client)
        }
        try await store.close()
    }

    @Test func summaryIsAFHIRDocumentBundle() async throws {
        try await withApp { client in
            try await client.execute(uri: "/fhir/Patient/p1/$summary", method: .get, headers: [.accept: "application/fhir+json"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/fhir+json") == true)
                let bundle = try JSON.parse(Array(buffer: response.body))
                #expect(bundle["type"]?.stringValue == "document")
                #expect(bundle["entry"]?[0]?["resource"]?["resourceType"]?.stringValue == "Composition")
            }
            try await client.execute(uri: "/fhir/Patient/p1/$summary", method: .post) { #expect($0.status == .ok) }
            try await client.execute(uri: "/fhir/Patient/nobody/$summary", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/fhir/Patient/p1/$summary", method: .delete) { #expect($0.status == .methodNotAllowed) }
        }
    }

    @Test func summaryIsAPrintableEscapedPageForBrowsers() async throws {
        try await withApp { client in
            for (uri, accept) in [("/fhir/Patient/p1/$summary?_format=html", "*/*"),
                                  ("/fhir/Patient/p1/$summary", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")] {
                try await client.execute(uri: uri, method: .get, headers: [.accept: accept]) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    let html = String(buffer: response.body)
                    #expect(html.hasPrefix("<!DOCTYPE html>"))
                    #expect(html.contains("@media print"))
                    #expect(html.contains("Tom &amp; &lt;Jerry&gt;"))
                    #expect(html.contains("Penicillin &lt;script&gt;"))
                    #expect(!html.contains("<script"))
                }
            }
            // Other operations still speak JSON only.
            try await client.execute(uri: "/fhir/Patient/p1?_format=html", method: .get) { #expect($0.status == .notAcceptable) }
        }
    }
}
