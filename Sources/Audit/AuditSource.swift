/// The server that recorded the event (`AuditEvent.source`) and received the request (the server agent).
public struct AuditSource: Sendable, Hashable {
    /// The server's name (host name or deployment name), rendered as `source.observer.display` and `source.site`.
    public var name: String
    /// The FHIR base URL the request was made to, rendered as the server agent's `network.address`.
    public var baseURL: String?

    /// A source named `name`, serving `baseURL`.
    public init(name: String, baseURL: String? = nil) {
        self.name = name
        self.baseURL = baseURL
    }
}
