import FHIRCore
import FHIRServer
import Foundation
import Store
import Subscriptions
import Testing

/// The version matcher decides a subscription's criteria on one version's index entries; on a current version
/// it must answer exactly what the store's search answers. Each criteria is asked both ways of every resource.
@Suite struct VersionMatcherAgreementTests {
    static let resources = [
        #"{"resourceType":"Patient","id":"p1","name":[{"family":"Martin","given":["Élodie"]}],"gender":"female","birthDate":"1980-02-03"}"#,
        #"{"resourceType":"Patient","id":"p2","name":[{"family":"Dupont"}],"gender":"male"}"#,
        #"{"resourceType":"Observation","id":"o1","meta":{"tag":[{"system":"http://x","code":"t1"}],"profile":["http://example.org/StructureDefinition/lab"]},"status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"1234","display":"Glucose"}],"text":"Glucose in blood"},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-05-03T10:00:00Z","valueQuantity":{"value":5.4,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"},"identifier":[{"system":"http://ids","value":"A1"}]}"#,
        #"{"resourceType":"Observation","id":"o2","status":"preliminary","code":{"coding":[{"code":"1234"}]},"subject":{"reference":"Patient/p2"},"effectivePeriod":{"start":"2023-01-01","end":"2023-06-30"},"valueString":"Hello World"}"#,
        #"{"resourceType":"Observation","id":"o3","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},"subject":{"reference":"Patient/p1"},"component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":120,"system":"http://unitsofmeasure.org","code":"mm[Hg]"}}],"valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"271649006"}]}}"#,
        #"{"resourceType":"DiagnosticReport","id":"r1","status":"final","code":{"text":"Panel"},"subject":{"reference":"Patient/p1"},"result":[{"reference":"Observation/o1"}]}"#,
    ]

    static let criteria = [
        "code=http://loinc.org|1234", "code=1234", "code=|1234", "code=http://loinc.org|", "code=1234,85354-9", "code:text=glucose",
        "code:not=1234", "status=final", "category=laboratory", "category:missing=true", "category:missing=false",
        "value-quantity=gt5", "value-quantity=lt5", "value-quantity=5.4", "value-quantity=ap5", "value-quantity=5.4|http://unitsofmeasure.org|mg",
        "value-quantity=ge5.4||mg", "value-quantity=ne5.4", "date=2024-05", "date=gt2024-05-01", "date=lt2024-01-01", "date=sa2022",
        "date=eb2024", "date=ap2023-03", "date=ge2023-06-30", "subject=Patient/p1", "patient=p1", "subject:Patient.name=mart",
        "subject:Patient.given=elodie", "subject:Patient.family:exact=Martin", "patient.gender=female", "subject:missing=false",
        "_id=o1", "_id=o2,o3", "_lastUpdated=gt2000-01-01", "_lastUpdated=lt2000-01-01", "_tag=http://x|t1", "_tag:missing=true",
        "_profile=http://example.org/StructureDefinition/lab", "_profile:below=http://example.org/", "value-string=hello",
        "value-string:contains=world", "value-string:exact=Hello World", "value-string:exact=hello world",
        "combo-code-value-quantity=http://loinc.org|8480-6$gt100", "component-code-value-quantity=http://loinc.org|8480-6$lt100",
        "code-value-quantity=http://loinc.org|1234$5.4", "value-concept=http://snomed.info/sct|271649006", "identifier=http://ids|A1",
        "_has:DiagnosticReport:result:status=final", "_has:DiagnosticReport:result:status=partial", "encounter:missing=true",
    ]

    @Test func theMatcherAgreesWithTheStoreOnCurrentVersions() async throws {
        let test = try TestService.make()
        defer { Task { await test.close() } }
        for json in Self.resources {
            let resource = try JSON.parse(Array(json.utf8))
            let path = "\(resource["resourceType"]!.stringValue!)/\(resource["id"]!.stringValue!)"
            try #require(await test.send(.put, path, body: json).status == 201)
        }
        for criteria in Self.criteria {
            let subscription = SubscriptionDefinition(id: "s", json: ["criteria": .string("Observation?" + criteria), "status": "active",
                                                                     "channel": ["type": "websocket"]])
            var matched: [String] = []
            for id in ["o1", "o2", "o3"] {
                let version = try #require(try await test.service.store.read(type: "Observation", id: id))
                if try await test.service.matches(subscription, version) { matched.append(id) }
            }
            let search = await test.send(.get, "Observation?\(criteria)")
            try #require(search.status == 200, "\(criteria): \(search.json)")
            let found = (search.json["entry"]?.arrayValue ?? []).compactMap { $0["resource"]?["id"]?.stringValue }.sorted()
            #expect(matched == found, "\(criteria)")
        }
    }
}
