/// Where and how the HTTP server listens.
public struct HTTPServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The path prefix under which FHIR is served (`/fhir`).
    public var fhirPath: String

    public init(host: String = "127.0.0.1", port: Int = 8080, fhirPath: String = "/fhir") {
        self.host = host
        self.port = port
        self.fhirPath = fhirPath
    }
}
