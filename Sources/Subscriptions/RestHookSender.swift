import AsyncHTTPClient
import Foundation

/// Posts one rest-hook notification (R4 conventions: `POST` to the endpoint, the resource as the body when the
/// subscription asks for a payload, else an empty body) with the subscription's headers, the event id and the
/// HMAC signature.
public struct RestHookSender: Sendable {
    /// The outcome of a post.
    public enum Outcome: Sendable, Hashable {
        case delivered
        case failed(String)
    }

    let client: HTTPClient
    let timeout: TimeInterval

    /// A sender with its own client: a refused or failed connection fails the attempt at once (AsyncHTTPClient
    /// would otherwise keep retrying it until the deadline), redirects are not followed. ``shutdown()`` it.
    public init(timeout: TimeInterval = 10) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .milliseconds(Int64(min(timeout, 5) * 1_000)), read: .milliseconds(Int64(timeout * 1_000)))
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.timeout = timeout
    }

    /// Releases the client's connections.
    public func shutdown() async {
        try? await client.shutdown()
    }

    /// Posts `body` (empty: no payload) for `delivery`.
    public func post(_ subscription: SubscriptionDefinition, _ delivery: Delivery, body: [UInt8], secret: String, now: Date = Date()) async -> Outcome {
        guard let endpoint = subscription.endpoint else { return .failed("no channel.endpoint") }
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        for header in subscription.headers { request.headers.add(name: header.name, value: header.value) }
        if let payload = subscription.payload, !body.isEmpty { request.headers.replaceOrAdd(name: "Content-Type", value: payload) }
        request.headers.replaceOrAdd(name: NotificationSignature.eventHeaderName, value: delivery.eventID)
        request.headers.replaceOrAdd(name: NotificationSignature.headerName,
                                     value: NotificationSignature.header(body: body, secret: secret, timestamp: Int64(now.timeIntervalSince1970)))
        request.headers.replaceOrAdd(name: "X-Dossier-Subscription", value: subscription.id)
        request.body = .bytes(body)
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1_000)))
            for try await _ in response.body {}
            let code = Int(response.status.code)
            return (200..<300).contains(code) ? .delivered : .failed("HTTP \(code) from \(endpoint)")
        } catch {
            return .failed("\(endpoint): \(error)")
        }
    }
}
