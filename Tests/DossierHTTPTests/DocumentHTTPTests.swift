import DossierHTTP
import FHIRCore
import FHIRServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLiteStore
import Testing

/// ITI-68 and raw uploads through Hummingbird: the body is streamed to the content store (not limited by
/// `--max-body-bytes`, limited by `--max-document-bytes`), and content is streamed back with its own headers.
@Suite("Documents over HTTP")
struct DocumentHTTPTests {
    func withApp(maxBody: Int = 1_000, maxDocument: Int64 = 1 << 20, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-dochttp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(path: dir.appendingPathComponent("dossier.sqlite").path)
        var configuration = ServerConfiguration(baseURL: "http://localhost/fhir", maxBodyBytes: maxBody)
        configuration.maxDocumentBytes = maxDocument
        configuration.contentDirectory = dir.appendingPathComponent("content").path
        let app = buildApplication(service: FHIRService(store: store, configuration: configuration), http: .init())
        try await app.test(.router) { client in try await body(client) }
        try await store.close()
    }

    static let document: [UInt8] = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }

    @Test func rawUploadLargerThanTheFHIRBodyLimitStreamsInAndOut() async throws {
        try await withApp { client in
            let id = try await client.execute(uri: "/fhir/Binary", method: .post, headers: [.contentType: "application/pdf"],
                                              body: ByteBuffer(bytes: Self.document)) { response -> String in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                let json = try JSON.parse(Array(buffer: response.body))
                return try #require(json["id"]?.stringValue)
            }
            try await client.execute(uri: "/fhir/Binary/\(id)", method: .get, headers: [.accept: "application/pdf"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/pdf")
                #expect(response.headers[.contentLength] == "200000")
                #expect(response.headers[.acceptRanges] == "bytes")
                #expect(response.headers[.eTag]?.count == 66)
                #expect(Array(buffer: response.body) == Self.document)
            }
            try await client.execute(uri: "/fhir/Binary/\(id)", method: .get, headers: [.range: "bytes=199990-"]) { response in
                #expect(response.status == .partialContent)
                #expect(response.headers[.contentRange] == "bytes 199990-199999/200000")
                #expect(response.headers[.contentLength] == "10")
                #expect(Array(buffer: response.body) == Array(Self.document.suffix(10)))
            }
            try await client.execute(uri: "/fhir/Binary/\(id)", method: .get, headers: [.range: "bytes=300000-"]) { response in
                #expect(response.status == .rangeNotSatisfiable)
                #expect(response.headers[.contentRange] == "bytes */200000")
            }
        }
    }

    @Test func rawUploadOverTheDocumentLimitIs413() async throws {
        try await withApp(maxDocument: 100_000) { client in
            try await client.execute(uri: "/fhir/Binary", method: .post, headers: [.contentType: "application/pdf"],
                                     body: ByteBuffer(bytes: Self.document)) { response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).contains("OperationOutcome"))
            }
        }
    }
}
