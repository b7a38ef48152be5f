import Access
import FHIRCore
import FHIRServer
import Foundation
import Store
@testable import Subscriptions
import Testing

/// What the dispatcher notifies: each change matched as the version it wrote (not the resource's later state),
/// deletions of matching resources announced under the owner's access rules, and the version matcher agreeing
/// with the store's search on current versions.
@Suite struct SubscriptionMatchingTests {
    static let criteria = "Observation?code=http://loinc.org|1234"

    static func observation(_ id: String, code: String, patient: String = "p1") -> String {
        #"{"resourceType":"Observation","id":"\#(id)","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"\#(code)"}]},"subject":{"reference":"Patient/\#(patient)"}}"#
    }

    static func subscription(_ criteria: String = criteria) -> String {
        #"{"resourceType":"Subscription","status":"requested","reason":"test","criteria":"\#(criteria)","channel":{"type":"websocket"}}"#
    }

    /// Runs `body` with a dispatcher over `service`'s store and its own delivery log (nothing is delivered: the
    /// tests match), then releases its rest-hook client.
    static func withDispatcher(_ service: FHIRService, _ body: (SubscriptionDispatcher) async throws -> Void) async throws {
        let path = NSTemporaryDirectory() + "dossier-match-\(UUID().uuidString)/subscriptions.sqlite"
        let dispatcher = SubscriptionDispatcher(store: service.store, log: try DeliveryLog(path: path), host: service)
        do {
            try await body(dispatcher)
        } catch {
            await dispatcher.sender.shutdown()
            throw error
        }
        await dispatcher.sender.shutdown()
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    /// A fresh service with a dispatcher.
    static func withTest(_ body: (TestService, SubscriptionDispatcher) async throws -> Void) async throws {
        let test = try TestService.make()
        defer { Task { await test.close() } }
        try await withDispatcher(test.service) { try await body(test, $0) }
    }

    /// Matches every change so far; the notifications recorded for `subscription`, oldest first.
    static func notifications(_ dispatcher: SubscriptionDispatcher, _ subscription: String) async throws -> [Delivery] {
        while try await dispatcher.followFeed() {}
        return try await dispatcher.log.recent(subscriptionID: subscription, limit: 100).reversed()
    }

    static func create(_ test: TestService, _ json: String) async throws -> String {
        let response = await test.send(.post, "Subscription", body: json)
        try #require(response.status == 201, "\(response.json)")
        return try #require(response.json["id"]?.stringValue)
    }

    // MARK: A feed nobody subscribes to

    /// A transaction of `count` Observations with `code`.
    static func observations(_ count: Int, code: String) -> String {
        let entries = (0..<count).map { i in
            let id = "bulk\(code)-\(i)"
            return #"{"resource":\#(observation(id, code: code)),"request":{"method":"PUT","url":"Observation/\#(id)"}}"#
        }
        return #"{"resourceType":"Bundle","type":"transaction","entry":["# + entries.joined(separator: ",") + "]}"
    }

    @Test func withNoSubscriptionTheFeedIsSkippedToItsEndAndLaterChangesAreMatched() async throws {
        try await Self.withTest { test, dispatcher in
            #expect(await test.send(.post, "", body: Self.observations(250, code: "1234")).status == 200)
            #expect(try await dispatcher.skipIdleFeed())
            #expect(try await dispatcher.log.cursor() == test.service.store.lastChangeSequence())
            #expect(try await dispatcher.skipIdleFeed() == false)
            let id = try await Self.create(test, Self.subscription())
            #expect(await test.send(.put, "Observation/after", body: Self.observation("after", code: "1234")).status == 201)
            let notified = try await Self.notifications(dispatcher, id)
            #expect(notified.map(\.resourceID) == ["after"])
        }
    }

    @Test func aSubscriptionWrittenBeforeTheEndIsNotSkipped() async throws {
        try await Self.withTest { test, dispatcher in
            let id = try await Self.create(test, Self.subscription())
            #expect(await test.send(.post, "", body: Self.observations(250, code: "1234")).status == 200)
            #expect(try await dispatcher.skipIdleFeed() == false)
            // Every one of the 250 changes notified (the log lists the latest 100; events are numbered from 1).
            let notified = try await Self.notifications(dispatcher, id)
            #expect(notified.count == 100 && notified.last?.event == 250)
        }
    }

    // MARK: The version of the change

    @Test func twoQuickUpdatesNotifyOnceWithTheVersionThatMatched() async throws {
        try await Self.withTest { test, dispatcher in
            let sub = try await Self.create(test, Self.subscription())
            // Both changes are committed before the dispatcher looks: the current version no longer matches.
            #expect(await test.send(.put, "Observation/o1", body: Self.observation("o1", code: "1234")).status == 201)
            #expect(await test.send(.put, "Observation/o1", body: Self.observation("o1", code: "9999")).status == 200)
            let found = try await Self.notifications(dispatcher, sub)
            #expect(found.map(\.resourceVersion) == [1])
            // The payload is that version too.
            let definition = try #require(dispatcher.subscription(sub))
            let content = try await test.service.notificationContent(definition, type: "Observation", id: "o1", version: 1)
            guard case .resource(let bytes)? = content else {
                Issue.record("version 1 should be readable: \(String(describing: content))")
                return
            }
            let json = try JSON.parse(bytes)
            #expect(json["code"]?["coding"]?[0]?["code"]?.stringValue == "1234")
            #expect(json["meta"]?["versionId"]?.stringValue == "1")
        }
    }

    @Test func aChangeThatStartsMatchingLaterIsNotifiedOnlyForTheMatchingVersions() async throws {
        try await Self.withTest { test, dispatcher in
            let sub = try await Self.create(test, Self.subscription())
            #expect(await test.send(.put, "Observation/o1", body: Self.observation("o1", code: "9999")).status == 201)
            #expect(await test.send(.put, "Observation/o1", body: Self.observation("o1", code: "1234")).status == 200)
            #expect(await test.send(.put, "Observation/o1", body: Self.observation("o1", code: "1234")).status == 200)
            #expect(try await Self.notifications(dispatcher, sub).map(\.resourceVersion) == [2, 3])
        }
    }

    // MARK: Deletions

    @Test func deletingAResourceThatMatchedIsNotified() async throws {
        try await Self.withTest { test, dispatcher in
            let sub = try await Self.create(test, Self.subscription())
            #expect(await test.send(.put, "Observation/o1", body: Self.observation("o1", code: "1234")).status == 201)
            #expect(await test.send(.put, "Observation/other", body: Self.observation("other", code: "9999")).status == 201)
            #expect(await test.send(.delete, "Observation/o1").status == 204)
            #expect(await test.send(.delete, "Observation/other").status == 204)  // never matched: nothing
            #expect(await test.send(.delete, "Observation/o1").status == 204)     // already deleted: no new version
            let found = try await Self.notifications(dispatcher, sub)
            #expect(found.map { "\($0.resourceID)/\($0.resourceVersion)" } == ["o1/1", "o1/2"])
            let definition = try #require(dispatcher.subscription(sub))
            #expect(try await test.service.notificationContent(definition, type: "Observation", id: "o1", version: 2) == .deleted)
            // A websocket client gets the usual ping for it.
            let (messages, outbox) = AsyncStream<String>.makeStream()
            await dispatcher.hub.bind(sub, connection: UUID(), outbox: outbox)
            try await dispatcher.deliverWebSocket(definition)
            outbox.finish()
            var pings: [String] = []
            for await message in messages { pings.append(message) }
            #expect(pings == ["ping \(sub) 1", "ping \(sub) 2"])
        }
    }

    @Test func aDeletionIsJudgedByTheVersionItDeleted() async throws {
        try await Self.withTest { test, dispatcher in
            #expect(await test.send(.put, "Observation/o1", body: Self.observation("o1", code: "9999")).status == 201)
            let sub = try await Self.create(test, Self.subscription())
            // Updated to match, then deleted before the dispatcher looks: both the update and the deletion are news.
            #expect(await test.send(.put, "Observation/o1", body: Self.observation("o1", code: "1234")).status == 200)
            #expect(await test.send(.delete, "Observation/o1").status == 204)
            #expect(try await Self.notifications(dispatcher, sub).map(\.resourceVersion) == [2, 3])
        }
    }

    @Test func aDeletionReachesOnlyOwnersWhoCouldReadTheDeletedResource() async throws {
        try await NotificationTests.withWorld { w in
            try await Self.withDispatcher(w.test.service) { dispatcher in
                var subs: [String: String] = [:]
                for who in ["gp", "other"] {
                    let response = await w.send(SummaryTests.professional(who), .post, "Subscription", Self.subscription("Observation?patient=Patient/pat1"))
                    try #require(response.status == 201, "\(response.json)")
                    subs[who] = response.json["id"]?.stringValue
                }
                #expect(await w.send(SummaryTests.operatorCaller, .delete, "Observation/obs").status == 204)
                let gp = try await Self.notifications(dispatcher, subs["gp"]!)
                #expect(gp.map { "\($0.resourceID)/\($0.resourceVersion)" } == ["obs/2"])
                #expect(try await Self.notifications(dispatcher, subs["other"]!).isEmpty)
                let gpDefinition = try #require(dispatcher.subscription(subs["gp"]!))
                let otherDefinition = try #require(dispatcher.subscription(subs["other"]!))
                #expect(try await w.test.service.notificationContent(gpDefinition, type: "Observation", id: "obs", version: 2) == .deleted)
                // Even were it recorded, the stranger's delivery would be withheld: they may not know of the deletion.
                #expect(try await w.test.service.notificationContent(otherDefinition, type: "Observation", id: "obs", version: 2) == nil)
            }
        }
    }
}
