import AsyncHTTPClient
import Foundation

/// Posts one rest-hook notification (R4 conventions: `POST` to the endpoint, the resource as the body when the
/// subscription asks for a payload, else an empty body) with the subscription's headers, the event id and the
/// HMAC signature.
///
/// **Deletions.** A resource deleted while it matched is announced with an empty body whatever the payload (there
/// is no resource left to send). A subscription without payload gets the usual empty-body POST, as for any
/// change. A subscription with a payload, whose receiver expects a body, is told instead by two headers:
/// `X-Dossier-Event: deleted` and `X-Dossier-Resource: Type/id`.
///
/// **Server-side request forgery.** Before every attempt the endpoint goes through the ``EndpointPolicy``: its
/// host is resolved again and the attempt fails (with the reason, as a failed attempt) when any address is
/// forbidden, so a name re-pointed at an internal address after the Subscription was written (DNS rebinding) is
/// not followed. The connection then goes to the very address that was checked (the HTTP client's DNS override
/// for that one request, the host name still sent for `Host` and TLS), leaving no window between the check and
/// the connection. Redirects are never followed.
public struct RestHookSender: Sendable {
    /// The outcome of a post.
    public enum Outcome: Sendable, Hashable {
        case delivered
        case failed(String)
    }

    /// What a notification announces.
    public enum Event: Sendable, Hashable {
        /// A version was written: `body` is its JSON when the subscription asks for a payload, else empty.
        case changed(body: [UInt8])
        /// `Type/id` was deleted.
        case deleted(resource: String)
    }

    /// The header naming the kind of event of a deletion sent to a subscription with a payload.
    public static let eventKindHeaderName = "X-Dossier-Event"
    /// The header naming the deleted resource (`Type/id`).
    public static let resourceHeaderName = "X-Dossier-Resource"

    let client: HTTPClient
    let timeout: TimeInterval
    let policy: EndpointPolicy

    /// A sender with its own client: a refused or failed connection fails the attempt at once (AsyncHTTPClient
    /// would otherwise keep retrying it until the deadline), redirects are not followed. ``shutdown()`` it.
    public init(timeout: TimeInterval = 10, policy: EndpointPolicy = EndpointPolicy()) {
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: Self.configuration(timeout: timeout, dnsOverride: [:]))
        self.timeout = timeout
        self.policy = policy
    }

    private static func configuration(timeout: TimeInterval, dnsOverride: [String: String]) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .milliseconds(Int64(min(timeout, 5) * 1_000)), read: .milliseconds(Int64(timeout * 1_000)))
        configuration.dnsOverride = dnsOverride
        return configuration
    }

    /// Releases the client's connections.
    public func shutdown() async {
        try? await client.shutdown()
    }

    /// Posts `event` for `delivery`, after checking the endpoint (see the type's discussion).
    public func post(_ subscription: SubscriptionDefinition, _ delivery: Delivery, event: Event, secret: String, now: Date = Date()) async -> Outcome {
        guard let endpoint = subscription.endpoint, let (host, _) = EndpointPolicy.target(of: endpoint) else {
            return .failed("channel.endpoint is not an absolute http or https URL")
        }
        let client: HTTPClient
        switch await policy.check(endpoint) {
        case .refused(let why):
            return .failed("Not sent: \(why)")
        case .unresolved(let why):
            return .failed("Not sent: \(why)")
        case .allowed(let address?):
            // This attempt's own client, told to connect to the checked address for the endpoint's host.
            client = HTTPClient(eventLoopGroupProvider: .singleton,
                                configuration: Self.configuration(timeout: timeout, dnsOverride: [host: address.description]))
        case .allowed(nil):
            client = self.client
        }
        let outcome = await post(endpoint, subscription, delivery, event: event, secret: secret, now: now, client: client)
        if client !== self.client { try? await client.shutdown() }
        return outcome
    }

    private func post(_ endpoint: String, _ subscription: SubscriptionDefinition, _ delivery: Delivery, event: Event, secret: String,
                      now: Date, client: HTTPClient) async -> Outcome {
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        for header in subscription.headers { request.headers.add(name: header.name, value: header.value) }
        var body: [UInt8] = []
        switch event {
        case .changed(let content):
            body = content
            if let payload = subscription.payload, !body.isEmpty { request.headers.replaceOrAdd(name: "Content-Type", value: payload) }
        case .deleted(let resource):
            if subscription.payload != nil {
                request.headers.replaceOrAdd(name: Self.eventKindHeaderName, value: "deleted")
                request.headers.replaceOrAdd(name: Self.resourceHeaderName, value: resource)
            }
        }
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
