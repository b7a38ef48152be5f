import FHIRCore
import Foundation
import FHIRServer
import Testing

@Suite("National identifiers and professions are checked on every write (422)")
struct IdentityTests {
    static func patient(nhs: String) -> String {
        #"{"resourceType":"Patient","identifier":[{"system":"http://hospital.example.org/mrn","value":"A1"},{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"\#(nhs)"}],"name":[{"family":"Smith"}]}"#
    }

    /// A batch or transaction Bundle creating one Patient per identifier.
    static func bundle(_ type: String, _ identifiers: [(system: String, value: String)]) -> String {
        let entries = identifiers.map { identifier in
            #"{"resource":{"resourceType":"Patient","identifier":[{"system":"\#(identifier.system)","value":"\#(identifier.value)"}]},"request":{"method":"POST","url":"Patient"}}"#
        }
        return #"{"resourceType":"Bundle","type":"\#(type)","entry":[\#(entries.joined(separator: ","))]}"#
    }

    static func issues(_ response: FHIRResponse) -> [(code: String, expression: String, diagnostics: String)] {
        (response.json["issue"]?.arrayValue ?? []).map {
            ($0["code"]?.stringValue ?? "", $0["expression"]?[0]?.stringValue ?? "", $0["diagnostics"]?.stringValue ?? "")
        }
    }

    @Test func badNHSNumberIs422NamingTheValueAndNothingIsWritten() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let bad = await t.send(.post, "Patient", body: Self.patient(nhs: "9434765918"))
        #expect(bad.status == 422)
        #expect(bad.json["resourceType"]?.stringValue == "OperationOutcome")
        let issue = try #require(Self.issues(bad).first)
        #expect(issue.code == "value")
        #expect(issue.expression == "Patient.identifier[1].value")
        #expect(issue.diagnostics.contains("NHS number 9434765918 fails its modulus-11 check"))
        #expect(await t.send(.get, "Patient/_history").json["total"]?.numberText == "0")

        let good = await t.send(.post, "Patient", body: Self.patient(nhs: "9434765919"))
        #expect(good.status == 201)
        let found = await t.send(.get, "Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919")
        #expect(found.json["total"]?.numberText == "1")
    }

    @Test func updatesAndPatchesAreCheckedToo() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let body = #"{"resourceType":"Patient","id":"p1","identifier":[{"system":"urn:oid:1.2.250.1.213.1.4.8","value":"253072A07300443"}]}"#
        #expect(await t.send(.put, "Patient/p1", body: body).status == 201)
        let badUpdate = body.replacingOccurrences(of: "253072A07300443", with: "253072A07300470")
        let update = await t.send(.put, "Patient/p1", body: badUpdate)
        #expect(update.status == 422)
        #expect(Self.issues(update).first?.diagnostics.contains("INS-NIR 253072A07300470 fails its key check") == true)
        let patch = await t.send(.patch, "Patient/p1", body: #"[{"op":"replace","path":"/identifier/0/value","value":"253072A0730044"}]"#,
                                 headers: ["content-type": "application/json-patch+json"])
        #expect(patch.status == 422)
        #expect(Self.issues(patch).first?.expression == "Patient.identifier[0].value")
        #expect(await t.send(.get, "Patient/p1").header("ETag") == "W/\"1\"")
    }

    @Test func aTransactionWithABadIdentifierWritesNothing() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let transaction = Self.bundle("transaction", [(NationalIdentifier.nhsNumberSystem, "9000000009"),
                                                      (NationalIdentifier.insNIASystem, "18005751234562")])
        let r = await t.send(.post, "", body: transaction)
        #expect(r.status == 422)
        #expect(Self.issues(r).first?.expression == "Bundle.entry[1].resource.identifier[0].value")
        #expect(Self.issues(r).first?.diagnostics.contains("INS-NIA") == true)
        #expect(await t.send(.get, "Patient/_history").json["total"]?.numberText == "0")
    }

    @Test func aBatchRefusesOnlyTheBadEntry() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let batch = Self.bundle("batch", [(NationalIdentifier.nhsNumberSystem, "1000000001"),
                                          (NationalIdentifier.nhsNumberSystem, "1000000010")])
        let r = await t.send(.post, "", body: batch)
        #expect(r.status == 200)
        let entries = try #require(r.json["entry"]?.arrayValue)
        #expect(entries[0]["response"]?["status"]?.stringValue == "201 Created")
        #expect(entries[1]["response"]?["status"]?.stringValue?.hasPrefix("422") == true)
    }

    @Test func unknownProfessionCodeIs422NamingTheCoding() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        func role(_ system: String, _ code: String) -> String {
            #"{"resourceType":"PractitionerRole","practitioner":{"reference":"Practitioner/d1"},"code":[{"coding":[{"system":"http://nucc.org/provider-taxonomy","code":"208D00000X"},{"system":"\#(system)","code":"\#(code)"}]}]}"#
        }
        let bad = await t.send(.post, "PractitionerRole", body: role(ProfessionCodes.practitionerRoleSystem, "midwife"))
        #expect(bad.status == 422)
        let issue = try #require(Self.issues(bad).first)
        #expect(issue.code == "code-invalid")
        #expect(issue.expression == "PractitionerRole.code[0].coding[1].code")
        #expect(issue.diagnostics.contains("belongs to https://dossier.health/CodeSystem/profession"))
        #expect(await t.send(.post, "PractitionerRole", body: role(ProfessionCodes.dossierProfessionSystem, "midwife")).status == 201)
        #expect(await t.send(.post, "PractitionerRole", body: role(ProfessionCodes.practitionerRoleSystem, "doctor")).status == 201)
    }
}
