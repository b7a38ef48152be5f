import Foundation
import Store
import Subscriptions
import Testing

@Suite struct WebSocketSessionTests {
    @Test func bindIsTheOwnersAndAcknowledgementsStopReplays() async throws {
        let folder = NSTemporaryDirectory() + "dossier-ws-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let log = try DeliveryLog(path: folder + "/subscriptions.sqlite")
        let hub = WebSocketHub()
        let resource = StoredResource(type: "Observation", id: "o", version: 1, lastUpdated: Date(), method: .create, content: [], patientKey: "p")
        try await log.record(through: 2, deliveries: [1, 2].map {
            .init(subscriptionID: "mine", channel: .websocket, resource: resource, changeSequence: $0)
        }, now: Date())
        let (messages, outbox) = AsyncStream<String>.makeStream()
        let session = WebSocketSession(hub: hub, log: log, outbox: outbox) { id in id == "mine" }

        #expect(await session.receive("bind theirs")?.hasPrefix("error") == true)
        #expect(await hub.connection(of: "theirs") == nil)
        #expect(await session.receive("ack mine 1")?.hasPrefix("error") == true)  // not bound yet
        #expect(await session.receive("bind mine") == nil)
        #expect(await hub.connection(of: "mine") == session.connection)
        #expect(await hub.send("mine", "ping mine 1"))

        for d in try await log.openDeliveries(subscriptionID: "mine", limit: 10) {
            try await log.update(d, status: .sent, attempted: true, error: nil, now: Date())
        }
        #expect(await session.receive("ack 1") == nil)
        #expect(await session.receive("hello")?.hasPrefix("error") == true)
        await session.close()
        #expect(await hub.connection(of: "mine") == nil)
        var received: [String] = []
        for await message in messages { received.append(message) }
        #expect(received == ["bound mine", "ping mine 1"])

        // Event 2 was sent but never acknowledged: the next bind puts it back in line, event 1 stays delivered.
        let (_, outbox2) = AsyncStream<String>.makeStream()
        let again = WebSocketSession(hub: hub, log: log, outbox: outbox2) { _ in true }
        #expect(await again.receive("bind mine") == nil)
        let open = try await log.openDeliveries(subscriptionID: "mine", limit: 10)
        #expect(open.map(\.event) == [2])
        #expect(open.map(\.status) == [.pending])
        await again.close()
        try log.close()
    }
}
