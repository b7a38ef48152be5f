import FHIRCore
import FHIRServer
import Testing

@Suite("Batch and transaction Bundles")
struct BundleTests {
    let transaction = #"""
    {"resourceType":"Bundle","type":"transaction","entry":[
      {"fullUrl":"urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a",
       "resource":{"resourceType":"Observation","status":"final","code":{"text":"weight"},
                   "subject":{"reference":"urn:uuid:88f151c0-a954-468a-88bd-5ae15c08e059"},
                   "valueQuantity":{"value":72.50,"unit":"kg"}},
       "request":{"method":"POST","url":"Observation"}},
      {"fullUrl":"urn:uuid:88f151c0-a954-468a-88bd-5ae15c08e059",
       "resource":{"resourceType":"Patient","identifier":[{"system":"urn:oid:1.2.250.1.213.1.4.8","value":"180057512345627"}]},
       "request":{"method":"POST","url":"Patient","ifNoneExist":"identifier=urn:oid:1.2.250.1.213.1.4.8|180057512345627"}}
    ]}
    """#

    @Test func transactionRewritesUrnReferencesAndAnswersEachEntry() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let r = await t.send(.post, "", body: transaction)
        #expect(r.status == 200)
        #expect(r.json["type"]?.stringValue == "transaction-response")
        let entries = try #require(r.json["entry"]?.arrayValue)
        #expect(entries.count == 2)
        #expect(entries[0]["response"]?["status"]?.stringValue == "201 Created")
        let obsLocation = try #require(entries[0]["response"]?["location"]?.stringValue)
        let patientLocation = try #require(entries[1]["response"]?["location"]?.stringValue)
        let patientID = patientLocation.split(separator: "/")[1]
        let obs = await t.send(.get, obsLocation.components(separatedBy: "/_history").first!)
        #expect(obs.json["subject"]?["reference"]?.stringValue == "Patient/\(patientID)")
        #expect(String(decoding: obs.body, as: UTF8.self).contains("72.50"))

        // Sent again: the conditional create finds the patient, the observation is new and points to it.
        let again = await t.send(.post, "", body: transaction)
        let againEntries = try #require(again.json["entry"]?.arrayValue)
        #expect(againEntries[1]["response"]?["status"]?.stringValue == "200 OK")
        let obs2Location = try #require(againEntries[0]["response"]?["location"]?.stringValue)
        let obs2 = await t.send(.get, obs2Location.components(separatedBy: "/_history").first!)
        #expect(obs2.json["subject"]?["reference"]?.stringValue == "Patient/\(patientID)")
    }

    @Test func failingTransactionChangesNothing() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let bad = #"""
        {"resourceType":"Bundle","type":"transaction","entry":[
          {"resource":{"resourceType":"Patient","id":"p1"},"request":{"method":"PUT","url":"Patient/p1"}},
          {"resource":{"resourceType":"Patient","id":"p2"},"request":{"method":"PUT","url":"Patient/p2","ifMatch":"W/\"4\""}}
        ]}
        """#
        let r = await t.send(.post, "", body: bad)
        #expect(r.status == 412)
        #expect(r.json["resourceType"]?.stringValue == "OperationOutcome")
        #expect(await t.send(.get, "Patient/p1").status == 404)
    }

    @Test func invalidEntryFailsWholeTransactionBeforeWriting() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let bad = #"""
        {"resourceType":"Bundle","type":"transaction","entry":[
          {"resource":{"resourceType":"Patient","id":"p1"},"request":{"method":"PUT","url":"Patient/p1"}},
          {"resource":{"resourceType":"Patient","birthDate":"yesterday"},"request":{"method":"POST","url":"Patient"}}
        ]}
        """#
        let r = await t.send(.post, "", body: bad)
        #expect(r.status == 400)
        let expressions = r.json["issue"]?.arrayValue?.compactMap { $0["expression"]?[0]?.stringValue } ?? []
        #expect(expressions.contains("Bundle.entry[1].resource.birthDate"))
        #expect(await t.send(.get, "Patient/p1").status == 404)
    }

    @Test func conditionalReferenceIsResolved() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        _ = await t.send(.put, "Practitioner/dr", body: #"{"resourceType":"Practitioner","id":"dr","identifier":[{"system":"http://hl7.org/fhir/sid/us-npi","value":"99"}]}"#)
        let bundle = #"""
        {"resourceType":"Bundle","type":"transaction","entry":[
          {"resource":{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},
            "participant":[{"individual":{"reference":"Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|99"}}]},
           "request":{"method":"POST","url":"Encounter"}}
        ]}
        """#
        let r = await t.send(.post, "", body: bundle, headers: ["prefer": "return=representation"])
        #expect(r.status == 200)
        let ref = r.json["entry"]?[0]?["resource"]?["participant"]?[0]?["individual"]?["reference"]?.stringValue
        #expect(ref == "Practitioner/dr")
        let unresolved = bundle.replacingOccurrences(of: "|99", with: "|100")
        #expect(await t.send(.post, "", body: unresolved).status == 412)
    }

    @Test func batchEntriesSucceedOrFailAlone() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let batch = #"""
        {"resourceType":"Bundle","type":"batch","entry":[
          {"resource":{"resourceType":"Patient","id":"ok"},"request":{"method":"PUT","url":"Patient/ok"}},
          {"resource":{"resourceType":"Patient","birthDate":"bad"},"request":{"method":"POST","url":"Patient"}},
          {"request":{"method":"GET","url":"Patient/ok"}}
        ]}
        """#
        let r = await t.send(.post, "", body: batch)
        #expect(r.status == 200)
        #expect(r.json["type"]?.stringValue == "batch-response")
        let e = try #require(r.json["entry"]?.arrayValue)
        #expect(e[0]["response"]?["status"]?.stringValue == "201 Created")
        #expect(e[1]["response"]?["status"]?.stringValue == "400 Bad Request")
        #expect(e[1]["response"]?["outcome"]?["resourceType"]?.stringValue == "OperationOutcome")
        #expect(e[2]["resource"]?["id"]?.stringValue == "ok")
    }

    @Test func historyPagesWithNextLinks() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        for i in 0..<5 { _ = await t.send(.put, "Patient/h", body: #"{"resourceType":"Patient","id":"h","gender":"\#(i % 2 == 0 ? "male" : "female")"}"#) }
        let first = await t.send(.get, "Patient/h/_history?_count=2")
        #expect(first.json["total"]?.numberText == "5")
        #expect(first.json["entry"]?.arrayValue?.count == 2)
        #expect(first.json["entry"]?[0]?["response"]?["etag"]?.stringValue == "W/\"5\"")
        let next = try #require(first.json["link"]?.arrayValue?.first { $0["relation"]?.stringValue == "next" }?["url"]?.stringValue)
        // A write between pages does not shift them.
        _ = await t.send(.put, "Patient/h", body: #"{"resourceType":"Patient","id":"h"}"#)
        let path = String(next.dropFirst("http://test/fhir/".count))
        let second = await t.send(.get, path)
        #expect(second.json["entry"]?[0]?["response"]?["etag"]?.stringValue == "W/\"3\"")
    }
}
