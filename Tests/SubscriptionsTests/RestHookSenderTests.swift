import FHIRCore
import Foundation
@testable import Subscriptions
import Testing

/// The rest-hook sender against a real receiver: the endpoint policy checked before every attempt (DNS rebinding),
/// the connection going to the address checked, and what a deletion looks like on the wire.
@Suite struct RestHookSenderTests {
    static func subscription(_ endpoint: String, payload: String? = nil) -> SubscriptionDefinition {
        var channel: JSON = ["type": "rest-hook", "endpoint": .string(endpoint), "header": ["X-Receiver-Key: k1"]]
        if let payload { channel["payload"] = .string(payload) }
        return SubscriptionDefinition(id: "s1", json: ["status": "active", "criteria": "Observation?code=x", "channel": channel])
    }

    static func delivery(event: Int64 = 1) -> Delivery {
        let now = Date()
        return Delivery(subscriptionID: "s1", event: event, changeSequence: event, resourceType: "Observation", resourceID: "o1",
                        resourceVersion: 2, channel: "rest-hook", status: .pending, attempts: 0, nextAttemptAt: now,
                        createdAt: now, updatedAt: now)
    }

    /// Why an attempt failed; nil when it was delivered.
    static func failure(_ outcome: RestHookSender.Outcome) -> String? {
        guard case .failed(let why) = outcome else { return nil }
        return why
    }

    @Test func anAttemptIsRefusedWhenTheNameNowResolvesToAForbiddenAddress() async throws {
        let receiver = try LocalReceiver()
        defer { receiver.stop() }
        // The name pointed at a public address when the Subscription was written; now it points inside.
        let sender = RestHookSender(timeout: 5, policy: EndpointPolicy(resolver: .table(["hooks.example": [.v4(0x7F00_0001)]])))
        let outcome = await sender.post(Self.subscription("http://hooks.example:\(receiver.port)/hook"), Self.delivery(),
                                        event: .changed(body: []), secret: "s")
        await sender.shutdown()
        let why = try #require(Self.failure(outcome), "the attempt should fail")
        #expect(why.contains("hooks.example (127.0.0.1) is a loopback address"), "\(why)")
        #expect(receiver.requests.isEmpty)
    }

    @Test func theConnectionGoesToTheAddressThatWasChecked() async throws {
        let receiver = try LocalReceiver()
        defer { receiver.stop() }
        // `.invalid` never resolves in DNS (RFC 6761): only the checked address can have been connected to.
        let policy = EndpointPolicy(allowList: EndpointPolicy.allowList("127.0.0.1")!, resolver: .table(["receiver.invalid": [.v4(0x7F00_0001)]]))
        let sender = RestHookSender(timeout: 5, policy: policy)
        let body = Array(#"{"resourceType":"Observation","id":"o1"}"#.utf8)
        let outcome = await sender.post(Self.subscription("http://receiver.invalid:\(receiver.port)/hook", payload: "application/fhir+json"),
                                        Self.delivery(), event: .changed(body: body), secret: "s")
        await sender.shutdown()
        #expect(outcome == .delivered)
        let request = try #require(receiver.requests.first)
        #expect(request.head.hasPrefix("POST /hook HTTP/1.1"))
        #expect(request.header("host") == "receiver.invalid:\(receiver.port)")
        #expect(request.header("content-type") == "application/fhir+json")
        #expect(request.header(RestHookSender.eventKindHeaderName) == nil)
        #expect(request.body == body)
    }

    @Test func aDeletionIsAnEmptyPostNamedByHeadersWhenThereIsAPayload() async throws {
        let receiver = try LocalReceiver()
        defer { receiver.stop() }
        let sender = RestHookSender(timeout: 5, policy: EndpointPolicy(allowList: EndpointPolicy.allowList("127.0.0.1")!))
        let endpoint = "http://127.0.0.1:\(receiver.port)/hook"
        #expect(await sender.post(Self.subscription(endpoint, payload: "application/fhir+json"), Self.delivery(event: 1),
                                  event: .deleted(resource: "Observation/o1"), secret: "s") == .delivered)
        #expect(await sender.post(Self.subscription(endpoint), Self.delivery(event: 2), event: .deleted(resource: "Observation/o1"), secret: "s") == .delivered)
        await sender.shutdown()
        let requests = receiver.requests
        try #require(requests.count == 2)
        // With a payload: no body, and the headers say what happened.
        #expect(requests[0].body.isEmpty && requests[0].header("content-type") == nil)
        #expect(requests[0].header("x-dossier-event") == "deleted")
        #expect(requests[0].header("x-dossier-resource") == "Observation/o1")
        #expect(requests[0].header("x-dossier-event-id") == "s1:1")
        #expect(requests[0].header("x-receiver-key") == "k1")
        // Without a payload: the usual empty POST, like any other notification.
        #expect(requests[1].body.isEmpty)
        #expect(requests[1].header("x-dossier-event") == nil && requests[1].header("x-dossier-resource") == nil)
        #expect(requests[1].header("x-dossier-event-id") == "s1:2")
        #expect(requests[1].header("x-dossier-signature") != nil)
    }

    @Test func withoutTheOperatorsAllowanceALoopbackReceiverIsNeverContacted() async throws {
        let receiver = try LocalReceiver()
        defer { receiver.stop() }
        let sender = RestHookSender(timeout: 5)
        let outcome = await sender.post(Self.subscription("http://127.0.0.1:\(receiver.port)/hook"), Self.delivery(), event: .changed(body: []), secret: "s")
        await sender.shutdown()
        let why = try #require(Self.failure(outcome), "the attempt should fail")
        #expect(why.hasPrefix("Not sent: 127.0.0.1 is a loopback address"), "\(why)")
        #expect(receiver.requests.isEmpty)
    }
}
