import Foundation
import Store
import Subscriptions
import Testing

@Suite struct DeliveryLogTests {
    private func temporaryPath() -> String {
        NSTemporaryDirectory() + "dossier-subs-\(UUID().uuidString)/subscriptions.sqlite"
    }

    private func resource(_ id: String, version: Int = 1) -> StoredResource {
        StoredResource(type: "Observation", id: id, version: version, lastUpdated: Date(), method: .create, content: [], patientKey: "p")
    }

    @Test func recordingNumbersEventsPerSubscriptionAndMovesTheCursorDurably() async throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        var log: DeliveryLog? = try DeliveryLog(path: path)
        try await log!.record(through: 5, deliveries: [
            .init(subscriptionID: "a", channel: .restHook, resource: resource("o1"), changeSequence: 3),
            .init(subscriptionID: "b", channel: .websocket, resource: resource("o1"), changeSequence: 3),
            .init(subscriptionID: "a", channel: .restHook, resource: resource("o2"), changeSequence: 5),
        ], now: Date())
        let secret = log!.secret(for: "a")
        try log!.close()
        log = nil

        // Reopened (a restart): the cursor, the numbering, the deliveries and the secrets are all still there.
        let reopened = try DeliveryLog(path: path)
        #expect(try await reopened.cursor() == 5)
        #expect(reopened.secret(for: "a") == secret)
        let open = try await reopened.openDeliveries(subscriptionID: "a", limit: 10)
        #expect(open.map(\.event) == [1, 2])
        #expect(open.map(\.resourceID) == ["o1", "o2"])
        #expect(open.allSatisfy { $0.status == .pending && $0.attempts == 0 })
        #expect(try await reopened.subscriptionsWithOpenDeliveries() == ["a", "b"])
        try await reopened.record(through: 9, deliveries: [.init(subscriptionID: "a", channel: .restHook, resource: resource("o3"), changeSequence: 9)], now: Date())
        #expect(try await reopened.openDeliveries(subscriptionID: "a", limit: 10).map(\.event) == [1, 2, 3])
        try reopened.close()
    }

    @Test func attemptsRetriesAcknowledgementsAndReplay() async throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let log = try DeliveryLog(path: path)
        try await log.record(through: 3, deliveries: (1...3).map {
            .init(subscriptionID: "ws", channel: .websocket, resource: resource("o\($0)"), changeSequence: Int64($0))
        }, now: Date())
        var open = try await log.openDeliveries(subscriptionID: "ws", limit: 10)
        let later = Date().addingTimeInterval(60)
        try await log.update(open[0], status: .pending, attempted: true, error: "HTTP 503", nextAttempt: later, now: Date())
        open = try await log.openDeliveries(subscriptionID: "ws", limit: 10)
        #expect(open[0].attempts == 1 && open[0].lastError == "HTTP 503" && open[0].firstAttemptAt != nil)
        #expect(abs(open[0].nextAttemptAt.timeIntervalSince(later)) < 0.001)

        for d in open { try await log.update(d, status: .sent, attempted: true, error: nil, now: Date()) }
        #expect(try await log.acknowledge(subscriptionID: "ws", through: 2, now: Date()) == 2)
        try await log.requeueSent(subscriptionID: "ws", now: Date())
        open = try await log.openDeliveries(subscriptionID: "ws", limit: 10)
        #expect(open.map(\.event) == [3])
        #expect(open[0].status == .pending)
        let recent = try await log.recent(subscriptionID: "ws", limit: 10)
        #expect(recent.map(\.event) == [3, 2, 1])
        #expect(recent[1].status == .delivered && recent[1].deliveredAt != nil)
        try log.close()
    }
}
