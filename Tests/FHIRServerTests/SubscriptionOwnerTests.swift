import Access
import FHIRCore
import FHIRServer
import Testing

/// The server records a Subscription's owner whatever the write path: a professional's Subscription written in a
/// transaction or by a conditional update is theirs (no owner tag to carry), and an operator's update leaves it so.
@Suite struct SubscriptionOwnerTests {
    static let subscription = SubscriptionWriteChecksTests.subscription(endpoint: "https://93.184.216.34/hook")

    /// The owner code recorded on a stored Subscription, read by the operator.
    static func owner(_ w: SummaryTests.World, _ id: String) async -> String? {
        let read = await w.send(SummaryTests.operatorCaller, .get, "Subscription/\(id)")
        return read.json["meta"]?["tag"]?.arrayValue?.first {
            $0["system"]?.stringValue == SystemCode.Systems.dossierSubscriptionOwner
        }?["code"]?.stringValue
    }

    static func transaction(_ method: String, _ url: String, _ resource: String) -> String {
        #"{"resourceType":"Bundle","type":"transaction","entry":[{"resource":\#(resource),"request":{"method":"\#(method)","url":"\#(url)"}}]}"#
    }

    @Test func aProfessionalsSubscriptionInATransactionIsRecordedAsTheirs() async throws {
        try await NotificationTests.withWorld { w in
            let gp = SummaryTests.professional("gp")
            let response = await w.send(gp, .post, "", Self.transaction("POST", "Subscription", Self.subscription))
            #expect(response.status == 200, "\(response.json)")
            let location = try #require(response.json["entry"]?[0]?["response"]?["location"]?.stringValue)
            let id = String(location.split(separator: "/")[1])
            #expect(await Self.owner(w, id) == "Practitioner/gp")
            #expect(await w.send(gp, .get, "Subscription/\(id)").status == 200)
            #expect(await w.send(SummaryTests.professional("other"), .get, "Subscription/\(id)").status == 404)
        }
    }

    @Test func aConditionalUpdateThatCreatesRecordsTheWriterAsOwner() async throws {
        try await NotificationTests.withWorld { w in
            let gp = SummaryTests.professional("gp")
            let body = SubscriptionWriteChecksTests.subscription(id: "mine", endpoint: "https://93.184.216.34/hook")
            let created = await w.send(gp, .put, "Subscription?_id=mine", body)
            #expect(created.status == 201, "\(created.json)")
            #expect(await Self.owner(w, "mine") == "Practitioner/gp")
            // The same in a transaction entry, then an update of it by the owner.
            let again = await w.send(gp, .post, "", Self.transaction("PUT", "Subscription?_id=mine", body))
            #expect(again.status == 200, "\(again.json)")
            #expect(await Self.owner(w, "mine") == "Practitioner/gp")
        }
    }

    @Test func anOperatorsUpdateInATransactionLeavesTheOwnerRecorded() async throws {
        try await NotificationTests.withWorld { w in
            let gp = SummaryTests.professional("gp")
            let created = await w.send(gp, .post, "Subscription", Self.subscription)
            let id = try #require(created.json["id"]?.stringValue, "\(created.json)")
            let changed = SubscriptionWriteChecksTests.subscription(id: id, criteria: "Observation?code=http://loinc.org|5678",
                                                                    endpoint: "https://93.184.216.34/hook")
            let response = await w.send(SummaryTests.operatorCaller, .post, "", Self.transaction("PUT", "Subscription/\(id)", changed))
            #expect(response.status == 200, "\(response.json)")
            #expect(await Self.owner(w, id) == "Practitioner/gp")
            let read = await w.send(gp, .get, "Subscription/\(id)")
            #expect(read.status == 200)
            #expect(read.json["criteria"]?.stringValue == "Observation?code=http://loinc.org|5678")
        }
    }
}
