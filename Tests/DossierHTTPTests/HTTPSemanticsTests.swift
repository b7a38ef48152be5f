import DossierHTTP
import FHIRCore
import FHIRServer
import Foundation
import Hummingbird
import HummingbirdTesting
import SQLiteStore
import Testing

@Suite("HTTP semantics through Hummingbird")
struct HTTPSemanticsTests {
    func withApp(maxBody: Int = 1 << 20, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(path: dir.appendingPathComponent("dossier.sqlite").path)
        let service = FHIRService(store: store, configuration: .init(baseURL: "http://localhost/fhir", maxBodyBytes: maxBody))
        let app = buildApplication(service: service, http: .init())
        try await app.test(.router) { client in try await body(client) }
        try await store.close()
    }

    @Test func createReturnsLocationETagAndFHIRContentType() async throws {
        try await withApp { client in
            try await client.execute(uri: "/fhir/Patient", method: .post, headers: [.contentType: "application/fhir+json"],
                                     body: ByteBuffer(string: #"{"resourceType":"Patient","gender":"female"}"#)) { response in
                #expect(response.status == .created)
                #expect(response.headers[.eTag] == "W/\"1\"")
                #expect(response.headers[.location]?.hasPrefix("http://localhost/fhir/Patient/") == true)
                #expect(response.headers[.contentType]?.hasPrefix("application/fhir+json") == true)
                #expect(response.headers[.lastModified] != nil)
            }
        }
    }

    @Test func readAfterPutAndHeadHasNoBody() async throws {
        try await withApp { client in
            try await client.execute(uri: "/fhir/Patient/x1", method: .put, headers: [.contentType: "application/fhir+json"],
                                     body: ByteBuffer(string: #"{"resourceType":"Patient","id":"x1"}"#)) { response in
                #expect(response.status == .created)
            }
            try await client.execute(uri: "/fhir/Patient/x1?_pretty=true", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\n  \"id\": \"x1\""))
            }
            try await client.execute(uri: "/fhir/Patient/x1", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test func oversizedBodyIs413WithOperationOutcome() async throws {
        try await withApp(maxBody: 64) { client in
            let big = #"{"resourceType":"Patient","name":[{"family":"\#(String(repeating: "z", count: 500))"}]}"#
            try await client.execute(uri: "/fhir/Patient", method: .post, headers: [.contentType: "application/fhir+json"],
                                     body: ByteBuffer(string: big)) { response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).contains("OperationOutcome"))
            }
        }
    }

    @Test func healthAnswers() async throws {
        try await withApp { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func percentEncodedQueryReachesTheSearch() async throws {
        try await withApp { client in
            try await client.execute(uri: "/fhir/Patient/p", method: .put, headers: [.contentType: "application/fhir+json"],
                                     body: ByteBuffer(string: #"{"resourceType":"Patient","id":"p","identifier":[{"system":"http://a/b","value":"1 2"}]}"#)) { _ in }
            try await client.execute(uri: "/fhir/Patient?identifier=http%3A%2F%2Fa%2Fb%7C1%202", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""total":1"#))
            }
        }
    }
}
