import FHIRCore
import FHIRServer
import Testing

/// Transactions prepare their versions before the store transaction (serialised, indexed, references resolved by
/// reads); what is stored must be exactly what preparing inside the transaction would store.
@Suite("Transaction versions prepared ahead")
struct PreparedTransactionTests {
    static let bundle = #"""
    {"resourceType":"Bundle","type":"transaction","entry":[
      {"fullUrl":"urn:uuid:0c0a52b5-8f1c-4c59-9d40-1a41c3e1c001",
       "resource":{"resourceType":"Patient","meta":{"lastUpdated":"1999-01-01T00:00:00Z","versionId":"7","tag":[{"system":"http://example.org/tags","code":"imported"}]},
                   "name":[{"family":"Durand"}]},
       "request":{"method":"POST","url":"Patient"}},
      {"fullUrl":"urn:uuid:0c0a52b5-8f1c-4c59-9d40-1a41c3e1c002",
       "resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},
                   "subject":{"reference":"urn:uuid:0c0a52b5-8f1c-4c59-9d40-1a41c3e1c001"},
                   "performer":[{"reference":"Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|42"}],
                   "valueQuantity":{"value":72.50,"unit":"kg"}},
       "request":{"method":"POST","url":"Observation"}},
      {"resource":{"resourceType":"Patient","id":"known","meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}]},
                   "link":[{"other":{"reference":"urn:uuid:0c0a52b5-8f1c-4c59-9d40-1a41c3e1c001"},"type":"seealso"}]},
       "request":{"method":"PUT","url":"Patient/known"}}
    ]}
    """#

    @Test func preparedVersionsAreStoredWithTheirNumberTimestampAndIndex() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        #expect(await t.send(.put, "Practitioner/dr", body: #"{"resourceType":"Practitioner","id":"dr","identifier":[{"system":"http://hl7.org/fhir/sid/us-npi","value":"42"}]}"#).status == 201)
        #expect(await t.send(.put, "Patient/known", body: #"{"resourceType":"Patient","id":"known"}"#).status == 201)
        let r = await t.send(.post, "", body: Self.bundle)
        #expect(r.status == 200)
        let entries = try #require(r.json["entry"]?.arrayValue)
        #expect(entries.count == 3)
        var ids: [String] = []
        for (entry, expectedVersion) in zip(entries, ["1", "1", "2"]) {
            let location = try #require(entry["response"]?["location"]?.stringValue)
            let lastModified = try #require(entry["response"]?["lastModified"]?.stringValue)
            let path = location.components(separatedBy: "/_history").first!
            ids.append(String(path.split(separator: "/")[1]))
            let read = await t.send(.get, path)
            #expect(read.status == 200)
            // Stored bytes are one canonical serialisation: no member twice, meta first after the id.
            #expect(read.json.serialized() == read.body)
            #expect(read.json["meta"]?["versionId"]?.stringValue == expectedVersion)
            #expect(read.json["meta"]?["lastUpdated"]?.stringValue == lastModified)
            #expect(read.header("ETag") == "W/\"\(expectedVersion)\"")
        }
        let patient = await t.send(.get, "Patient/\(ids[0])")
        #expect(patient.json["meta"]?["tag"]?[0]?["code"]?.stringValue == "imported")
        let observation = await t.send(.get, "Observation/\(ids[1])")
        #expect(observation.json["subject"]?["reference"]?.stringValue == "Patient/\(ids[0])")
        #expect(observation.json["performer"]?[0]?["reference"]?.stringValue == "Practitioner/dr")
        #expect(String(decoding: observation.body, as: UTF8.self).contains("72.50"))
        let known = await t.send(.get, "Patient/known")
        #expect(known.json["link"]?[0]?["other"]?["reference"]?.stringValue == "Patient/\(ids[0])")
        // The index entries went in with them.
        for (query, expected) in [
            ("Observation?subject=Patient/\(ids[0])", 1), ("Observation?performer=Practitioner/dr", 1),
            ("Observation?code=http://loinc.org|29463-7", 1), ("Patient?_tag=http://example.org/tags|imported", 1),
            ("Patient?family=durand", 1), ("Patient?link=Patient/\(ids[0])", 1),
            ("Patient?_security=R", 1), ("Observation?value-quantity=72.5", 1),
        ] {
            let found = await t.send(.get, query)
            #expect(found.json["entry"]?.arrayValue?.count ?? 0 == expected, "\(query)")
        }
    }

    @Test func aParameterOnMetaVersionIdIsIndexedWithTheVersionWritten() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let parameter = #"{"resourceType":"SearchParameter","url":"http://example.org/SearchParameter/version","name":"version","status":"active","code":"version","base":["Patient"],"type":"token","expression":"Patient.meta.versionId","description":"version"}"#
        #expect(await t.send(.post, "SearchParameter", body: parameter).status == 201)
        let put = #"{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient","id":"v"},"request":{"method":"PUT","url":"Patient/v"}}]}"#
        #expect(await t.send(.post, "", body: put).status == 200)
        #expect(await t.send(.post, "", body: put).status == 200)
        let two = await t.send(.get, "Patient?version=2")
        #expect(two.json["entry"]?.arrayValue?.count == 1, "\(String(decoding: two.body, as: UTF8.self))")
        #expect(await t.send(.get, "Patient?version=1").json["entry"]?.arrayValue?.count ?? 0 == 0)
        // A plain update as well.
        #expect(await t.send(.put, "Patient/v", body: #"{"resourceType":"Patient","id":"v"}"#).status == 200)
        #expect(await t.send(.get, "Patient?version=3").json["entry"]?.arrayValue?.count == 1)
    }

    @Test func aConditionalReferenceThatMatchesNothingStillFailsTheTransaction() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let r = await t.send(.post, "", body: Self.bundle)
        #expect(r.status == 412)
        #expect(String(decoding: r.body, as: UTF8.self).contains("Practitioner?identifier"))
        #expect(await t.send(.get, "Observation").json["entry"]?.arrayValue?.count ?? 0 == 0)
    }
}
