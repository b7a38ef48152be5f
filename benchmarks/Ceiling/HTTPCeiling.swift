import Hummingbird
import Logging

/// A bare Hummingbird server answering `GET /` with a small fixed JSON body: the most requests per second this
/// machine serves over HTTP/1.1, to put Dossier's own figures in context.
struct HTTPCeiling {
    var host: String
    var port: Int

    /// The fixed body, about the size of a small FHIR resource's envelope.
    static let body = #"{"resourceType":"Basic","id":"ceiling","code":{"text":"ok"}}"#

    /// Serves until SIGINT or SIGTERM.
    func run() async throws {
        let router = Router()
        let buffer = ByteBuffer(string: Self.body)
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
        }
        var logger = Logger(label: "ceiling")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "ceiling"),
                              logger: logger)
        print("ceiling http listening on http://\(host):\(port)/")
        try await app.runService()
    }
}
