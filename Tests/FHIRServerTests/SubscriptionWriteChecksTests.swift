import Access
import FHIRCore
import FHIRServer
import Foundation
import Subscriptions
import Testing

/// Every path that writes a Subscription — POST, PUT, conditional create and update, PATCH, batch and transaction
/// entries — passes the same checks (criteria, channel, the rest-hook endpoint's SSRF policy), and a refused write
/// changes nothing.
@Suite struct SubscriptionWriteChecksTests {
    /// Names resolved from a table: `public.example` is public, `internal.example` and `rebound.example` are not.
    static let resolver = HostResolver.table([
        "public.example": [IPAddress(literal: "93.184.216.34")!],
        "internal.example": [IPAddress(literal: "93.184.216.34")!, IPAddress(literal: "192.168.1.20")!],
    ])

    static func withService(allow: String = "", _ body: (TestService) async throws -> Void) async throws {
        var configuration = ServerConfiguration(baseURL: "http://test/fhir")
        configuration.subscriptionEndpoints = EndpointPolicy(allowList: EndpointPolicy.allowList(allow)!, resolver: resolver)
        let test = try TestService.make(configuration)
        defer { Task { await test.close() } }
        try await body(test)
    }

    static func subscription(id: String? = nil, criteria: String = "Observation?code=http://loinc.org|1234",
                             endpoint: String = "https://public.example/hook") -> String {
        let idMember = id.map { #""id":"\#($0)","# } ?? ""
        return #"{"resourceType":"Subscription",\#(idMember)"status":"requested","reason":"test","criteria":"\#(criteria)","channel":{"type":"rest-hook","endpoint":"\#(endpoint)","payload":"application/fhir+json"}}"#
    }

    /// The expressions of an OperationOutcome's issues.
    static func expressions(_ response: FHIRResponse) -> [String] {
        (response.json["issue"]?.arrayValue ?? []).flatMap { ($0["expression"]?.arrayValue ?? []).compactMap(\.stringValue) }
    }

    static func diagnostics(_ response: FHIRResponse) -> String {
        (response.json["issue"]?.arrayValue ?? []).compactMap { $0["diagnostics"]?.stringValue }.joined(separator: " ")
    }

    static func storedSubscriptions(_ test: TestService) async -> Int {
        (await test.send(.get, "Subscription")).json["entry"]?.arrayValue?.count ?? 0
    }

    // MARK: The endpoint policy when writing

    static let forbiddenEndpoints = [
        "http://127.0.0.1:8080/hook", "http://169.254.169.254/latest/meta-data/iam", "http://localhost/hook",
        "http://[::1]:9000/hook", "http://[::ffff:169.254.169.254]/x", "http://2130706433/hook", "http://0x7f.0.0.1/hook",
        "https://10.0.0.8/hook", "http://172.16.4.4/hook", "http://192.168.0.10/hook", "http://100.64.1.1/hook",
        "http://0.0.0.0:8080/hook", "http://224.0.0.251/hook", "http://[fd00::1]/hook", "http://[fe80::1]/hook",
        "https://internal.example/hook",
    ]

    @Test(arguments: forbiddenEndpoints)
    func anEndpointInsideTheNetworkIsRefusedAndNothingStored(_ endpoint: String) async throws {
        try await Self.withService { test in
            let response = await test.send(.post, "Subscription", body: Self.subscription(endpoint: endpoint))
            #expect(response.status == 422, "\(endpoint): \(response.status) \(response.json)")
            #expect(Self.expressions(response) == ["Subscription.channel.endpoint"])
            #expect(Self.diagnostics(response).contains("--subscription-allow-hosts"), "\(Self.diagnostics(response))")
            #expect(await Self.storedSubscriptions(test) == 0)
        }
    }

    @Test func theRefusalSaysWhichAddressAndWhy() async throws {
        try await Self.withService { test in
            let metadata = await test.send(.post, "Subscription", body: Self.subscription(endpoint: "http://169.254.169.254/latest"))
            #expect(Self.diagnostics(metadata).contains("169.254.169.254 is a link-local address"))
            let name = await test.send(.post, "Subscription", body: Self.subscription(endpoint: "https://internal.example/hook"))
            #expect(Self.diagnostics(name).contains("internal.example (192.168.1.20) is a private network address"))
        }
    }

    @Test func publicEndpointsAndNamesThatDoNotResolveYetAreAccepted() async throws {
        try await Self.withService { test in
            for endpoint in ["https://public.example/hook", "https://93.184.216.34/hook", "https://not-yet-published.example/hook"] {
                let response = await test.send(.post, "Subscription", body: Self.subscription(endpoint: endpoint))
                #expect(response.status == 201, "\(endpoint): \(response.json)")
            }
        }
    }

    @Test func theOperatorsAllowListLetsInternalReceiversIn() async throws {
        try await Self.withService(allow: "127.0.0.1,internal.example,10.0.0.0/8") { test in
            for endpoint in ["http://127.0.0.1:8080/hook", "https://internal.example/hook", "https://10.20.30.40/hook"] {
                let response = await test.send(.post, "Subscription", body: Self.subscription(endpoint: endpoint))
                #expect(response.status == 201, "\(endpoint): \(response.json)")
            }
            let other = await test.send(.post, "Subscription", body: Self.subscription(endpoint: "http://127.0.0.2/hook"))
            #expect(other.status == 422)
        }
    }

    // MARK: Every write path

    @Test func anUpdateToAForbiddenEndpointIsRefusedAndTheOldVersionStays() async throws {
        try await Self.withService { test in
            #expect(await test.send(.put, "Subscription/s1", body: Self.subscription(id: "s1")).status == 201)
            let response = await test.send(.put, "Subscription/s1", body: Self.subscription(id: "s1", endpoint: "http://127.0.0.1/x"))
            #expect(response.status == 422 && Self.expressions(response) == ["Subscription.channel.endpoint"])
            let current = await test.send(.get, "Subscription/s1")
            #expect(current.json["meta"]?["versionId"]?.stringValue == "1")
        }
    }

    @Test func aTransactionWithABadSubscriptionWritesNothing() async throws {
        try await Self.withService { test in
            for (subscription, expression) in [(Self.subscription(criteria: "Observation?no-such-parameter=1"), "Subscription.criteria"),
                                               (Self.subscription(endpoint: "http://169.254.169.254/x"), "Subscription.channel.endpoint")] {
                let bundle = #"{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:p1","resource":{"resourceType":"Patient","name":[{"family":"Bundled"}]},"request":{"method":"POST","url":"Patient"}},{"resource":\#(subscription),"request":{"method":"POST","url":"Subscription"}}]}"#
                let response = await test.send(.post, "", body: bundle)
                #expect(response.status == 422, "\(response.json)")
                #expect(Self.expressions(response).contains(expression), "\(response.json)")
                #expect(Self.diagnostics(response).contains("Bundle.entry[1]"))
            }
            #expect(await Self.storedSubscriptions(test) == 0)
            #expect((await test.send(.get, "Patient?family=Bundled")).json["entry"]?.arrayValue?.isEmpty ?? true)
        }
    }

    @Test func transactionUpdatesAndConditionalUpdatesAreChecked() async throws {
        try await Self.withService { test in
            #expect(await test.send(.put, "Subscription/s1", body: Self.subscription(id: "s1")).status == 201)
            for (method, url) in [("PUT", "Subscription/s1"), ("PUT", "Subscription?_id=s1")] {
                let bad = Self.subscription(id: "s1", criteria: "NotAType?code=1")
                let bundle = #"{"resourceType":"Bundle","type":"transaction","entry":[{"resource":\#(bad),"request":{"method":"\#(method)","url":"\#(url)"}}]}"#
                let response = await test.send(.post, "", body: bundle)
                #expect(response.status == 422 && Self.expressions(response) == ["Subscription.criteria"], "\(url): \(response.json)")
            }
            #expect((await test.send(.get, "Subscription/s1")).json["meta"]?["versionId"]?.stringValue == "1")
        }
    }

    @Test func aBatchEntryWithABadSubscriptionFailsAloneAndIsNotWritten() async throws {
        try await Self.withService { test in
            let bad = Self.subscription(endpoint: "http://[::ffff:127.0.0.1]/x")
            let good = Self.subscription()
            let bundle = #"{"resourceType":"Bundle","type":"batch","entry":[{"resource":\#(bad),"request":{"method":"PUT","url":"Subscription?_id=x1"}},{"resource":\#(good),"request":{"method":"POST","url":"Subscription"}}]}"#
            let response = await test.send(.post, "", body: bundle)
            #expect(response.status == 200)
            let statuses = (response.json["entry"]?.arrayValue ?? []).compactMap { $0["response"]?["status"]?.stringValue }
            #expect(statuses.first?.hasPrefix("422") == true && statuses.last?.hasPrefix("201") == true, "\(statuses)")
            #expect(await Self.storedSubscriptions(test) == 1)
        }
    }

    @Test func conditionalCreateAndUpdateAreChecked() async throws {
        try await Self.withService { test in
            let create = await test.send(.post, "Subscription", body: Self.subscription(criteria: "Observation?date=not-a-date"),
                                         headers: ["if-none-exist": "_id=zzz"])
            #expect(create.status == 422 && Self.expressions(create) == ["Subscription.criteria"])
            let update = await test.send(.put, "Subscription?_id=nothing", body: Self.subscription(endpoint: "http://192.168.1.1/"))
            #expect(update.status == 422 && Self.expressions(update) == ["Subscription.channel.endpoint"], "\(update.json)")
            #expect(await Self.storedSubscriptions(test) == 0)
            // A good one through the conditional update is stored active, as through POST.
            let good = await test.send(.put, "Subscription?_id=nothing", body: Self.subscription())
            #expect(good.status == 201 && good.json["status"]?.stringValue == "active", "\(good.json)")
        }
    }

    static func patch(_ operations: String) -> String { "[\(operations)]" }

    @Test func aPatchThatBreaksTheCriteriaOrTheEndpointIsRefusedAndTheOldVersionStays() async throws {
        try await Self.withService { test in
            #expect(await test.send(.put, "Subscription/s1", body: Self.subscription(id: "s1")).status == 201)
            let headers = ["content-type": "application/json-patch+json"]
            let criteria = await test.send(.patch, "Subscription/s1", body: Self.patch(#"{"op":"replace","path":"/criteria","value":"Observation?nonsense=1"}"#), headers: headers)
            #expect(criteria.status == 422 && Self.expressions(criteria) == ["Subscription.criteria"], "\(criteria.json)")
            let endpoint = await test.send(.patch, "Subscription?_id=s1", body: Self.patch(#"{"op":"replace","path":"/channel/endpoint","value":"http://169.254.169.254/"}"#), headers: headers)
            #expect(endpoint.status == 422 && Self.expressions(endpoint) == ["Subscription.channel.endpoint"], "\(endpoint.json)")
            let channel = await test.send(.patch, "Subscription/s1", body: Self.patch(#"{"op":"replace","path":"/channel/type","value":"email"}"#), headers: headers)
            #expect(channel.status == 422 && Self.expressions(channel) == ["Subscription.channel.type"])
            let current = await test.send(.get, "Subscription/s1")
            #expect(current.json["meta"]?["versionId"]?.stringValue == "1")
            #expect(current.json["criteria"]?.stringValue == "Observation?code=http://loinc.org|1234")
            // A good patch goes through, and is stored like any Subscription write (requested becomes active).
            let good = await test.send(.patch, "Subscription/s1", body: Self.patch(#"{"op":"replace","path":"/status","value":"requested"}"#), headers: headers)
            #expect(good.status == 200 && good.json["status"]?.stringValue == "active", "\(good.json)")
        }
    }

    @Test func aPatchEntryOfATransactionIsChecked() async throws {
        try await Self.withService { test in
            #expect(await test.send(.put, "Subscription/s1", body: Self.subscription(id: "s1")).status == 201)
            let document = Data(#"[{"op":"replace","path":"/channel/endpoint","value":"http://10.1.1.1/"}]"#.utf8).base64EncodedString()
            let bundle = #"{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Binary","contentType":"application/json-patch+json","data":"\#(document)"},"request":{"method":"PATCH","url":"Subscription/s1"}}]}"#
            let response = await test.send(.post, "", body: bundle)
            #expect(response.status == 422 && Self.expressions(response) == ["Subscription.channel.endpoint"], "\(response.json)")
            #expect((await test.send(.get, "Subscription/s1")).json["channel"]?["endpoint"]?.stringValue == "https://public.example/hook")
        }
    }

    @Test func aPatchOfSomeoneElsesSubscriptionIsNotFoundWhateverItWouldBecome() async throws {
        try await NotificationTests.withWorld { w in
            let created = await w.send(SummaryTests.professional("gp"), .post, "Subscription", Self.subscription(endpoint: "https://93.184.216.34/hook"))
            let id = try #require(created.json["id"]?.stringValue, "\(created.json)")
            func patch(_ caller: RequestCaller, _ operation: String) async -> FHIRResponse {
                await w.test.service.handle(FHIRRequest(method: .patch, path: ["Subscription", id], headers: ["content-type": "application/json-patch+json"],
                                                        body: Array(Self.patch(operation).utf8), caller: caller))
            }
            for operation in [#"{"op":"replace","path":"/criteria","value":"Observation?nonsense=1"}"#,
                              #"{"op":"replace","path":"/channel/endpoint","value":"http://127.0.0.1/"}"#,
                              #"{"op":"replace","path":"/reason","value":"mine now"}"#] {
                let response = await patch(SummaryTests.professional("other"), operation)
                #expect(response.status == 404, "\(operation): \(response.status) \(response.json)")
            }
            let patched = await patch(SummaryTests.professional("gp"), #"{"op":"replace","path":"/criteria","value":"Observation?nonsense=1"}"#)
            #expect(patched.status == 422 && Self.expressions(patched) == ["Subscription.criteria"])
        }
    }
}
