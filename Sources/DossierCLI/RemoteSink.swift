import AsyncHTTPClient
import FHIRServer
import Foundation
import NIOCore

/// Posts Bundles to a running FHIR server's base URL with AsyncHTTPClient.
struct RemoteSink: BundleSink {
    /// The FHIR base URL, without a trailing slash.
    let baseURL: String
    let client: HTTPClient
    /// Largest response body read.
    let maxResponseBytes = 256 * 1024 * 1024
    /// The bearer token sent with every Bundle, if any.
    let token: String?

    /// A sink posting to `baseURL` (`http://host:port/fhir`), with `token` as bearer token.
    init(baseURL: String, token: String? = nil) throws {
        self.token = token
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base), let scheme = url.scheme, ["http", "https"].contains(scheme.lowercased()),
              url.host != nil
        else { throw ImportError.transport("--server must be an http(s) URL such as http://127.0.0.1:8080/fhir") }
        self.baseURL = base
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func submit(_ bundle: [UInt8]) async throws -> FHIRResponse {
        var request = HTTPClientRequest(url: baseURL)
        request.method = .POST
        for (name, value) in bundleRequestHeaders { request.headers.add(name: name, value: value) }
        if let token { request.headers.add(name: "Authorization", value: "Bearer " + token) }
        request.body = .bytes(ByteBuffer(bytes: bundle))
        do {
            let response = try await client.execute(request, timeout: .minutes(30))
            var body = try await response.body.collect(upTo: maxResponseBytes)
            let bytes = body.readBytes(length: body.readableBytes) ?? []
            return FHIRResponse(status: Int(response.status.code),
                                headers: response.headers.map { ($0.name, $0.value) }, body: bytes)
        } catch {
            throw ImportError.transport("cannot POST to \(baseURL): \(error)")
        }
    }

    func shutdown() async throws { try await client.shutdown() }
}
