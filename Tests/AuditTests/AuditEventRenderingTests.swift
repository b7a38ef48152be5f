import Audit
import FHIRCore
import Foundation
import Testing

/// The FHIR AuditEvent an AuditRecord renders to: the IHE BALP shapes, and the keys read back from it.
@Suite struct AuditEventRenderingTests {
    private func codings(_ value: JSON?) -> [String] {
        (value?.arrayValue ?? []).compactMap { coding in
            guard let system = coding["system"]?.stringValue, let code = coding["code"]?.stringValue else { return nil }
            return "\(system)|\(code)"
        }
    }

    private func conceptTokens(_ value: JSON?) -> [String] {
        (value?.arrayValue ?? []).flatMap { codings($0["coding"]) }
    }

    @Test func readOfAPatientsResourceHasTheBALPPatientReadShape() throws {
        let record = AuditFixtures.read("pat-a", "Observation/o1")
        let event = record.auditEvent()
        #expect(event["resourceType"] == "AuditEvent")
        #expect(event["id"]?.stringValue == record.id)
        #expect(event["meta"]?["lastUpdated"]?.stringValue == "2026-01-01T00:00:00.000000Z")
        #expect(event["recorded"]?.stringValue == "2026-01-01T00:00:00.000000Z")
        #expect(codings(.array([event["type"]!])) == ["http://terminology.hl7.org/CodeSystem/audit-event-type|rest"])
        #expect(codings(event["subtype"]) == ["http://hl7.org/fhir/restful-interaction|read"])
        #expect(event["action"] == "R")
        #expect(event["outcome"] == "0")
        #expect(event["purposeOfEvent"] == nil)

        let agents = try #require(event["agent"]?.arrayValue)
        #expect(agents.count == 4)
        let user = agents[0]
        #expect(conceptTokens(.array([user["type"]!])) == ["http://terminology.hl7.org/CodeSystem/v3-ParticipationType|IRCP"])
        #expect(user["who"]?["reference"] == "Practitioner/p1")
        #expect(user["requestor"] == true)
        #expect(conceptTokens(user["role"]) == ["http://terminology.hl7.org/CodeSystem/practitioner-role|doctor"])
        #expect(conceptTokens(user["purposeOfUse"]) == ["http://terminology.hl7.org/CodeSystem/v3-ActReason|TREAT"])
        #expect(user["extension"]?[0]?["valueReference"]?["reference"] == "PractitionerRole/r1")
        let organization = agents[1]
        #expect(conceptTokens(.array([organization["type"]!])) == ["http://terminology.hl7.org/CodeSystem/v3-RoleClass|PROV"])
        #expect(organization["who"]?["reference"] == "Organization/h1")
        #expect(organization["requestor"] == false)
        let client = agents[2]
        #expect(conceptTokens(.array([client["type"]!])) == ["http://dicom.nema.org/resources/ontology/DCM|110153"])
        #expect(client["who"]?["identifier"]?["value"] == "hospital-ehr")
        #expect(client["network"]?["address"] == "127.0.0.1")
        #expect(client["network"]?["type"] == "2")
        let server = agents[3]
        #expect(conceptTokens(.array([server["type"]!])) == ["http://dicom.nema.org/resources/ontology/DCM|110152"])
        #expect(server["network"]?["address"] == "http://127.0.0.1:8080/fhir")
        #expect(event["source"]?["observer"]?["display"] == "dossier.test")
        #expect(codings(event["source"]?["type"]) == ["http://terminology.hl7.org/CodeSystem/security-source-type|4"])

        let entities = try #require(event["entity"]?.arrayValue)
        #expect(entities.count == 2)
        #expect(entities[0]["what"]?["reference"] == "Patient/pat-a")
        #expect(codings(.array([entities[0]["type"]!])) == ["http://terminology.hl7.org/CodeSystem/audit-entity-type|1"])
        #expect(codings(.array([entities[0]["role"]!])) == ["http://terminology.hl7.org/CodeSystem/object-role|1"])
        #expect(entities[1]["what"]?["reference"] == "Observation/o1/_history/1")
        #expect(codings(.array([entities[1]["type"]!])) == ["http://terminology.hl7.org/CodeSystem/audit-entity-type|2"])
        #expect(codings(.array([entities[1]["role"]!])) == ["http://terminology.hl7.org/CodeSystem/object-role|4"])
    }

    @Test func emergencyOverrideIsASecurityAlertWithEmergencyTreatmentPurpose() throws {
        let record = AuditRecord(interaction: .operation, agent: AuditFixtures.doctor, emergency: .override,
                                 patientIDs: ["pat-c"], operation: "$break-glass", description: "unconscious on arrival",
                                 source: AuditFixtures.source)
        let event = record.auditEvent()
        #expect(codings(.array([event["type"]!])) == ["http://dicom.nema.org/resources/ontology/DCM|110113"])
        #expect(event["type"]?["display"] == "Security Alert")
        #expect(codings(event["subtype"]) == [
            "http://dicom.nema.org/resources/ontology/DCM|110127",
            "http://hl7.org/fhir/restful-interaction|operation",
            "https://dossier.health/CodeSystem/operation|$break-glass",
        ])
        #expect(event["action"] == "E")
        let user = try #require(event["agent"]?[0])
        // No purpose given: an emergency defaults to ETREAT.
        #expect(conceptTokens(user["purposeOfUse"]) == ["http://terminology.hl7.org/CodeSystem/v3-ActReason|ETREAT"])
        #expect(conceptTokens(event["purposeOfEvent"]) == ["http://terminology.hl7.org/CodeSystem/v3-ActReason|BTG"])
        #expect(event["extension"]?[0]?["valueString"] == "unconscious on arrival")
        #expect(event["entity"]?[0]?["what"]?["reference"] == "Patient/pat-c")
    }

    @Test func emergencyAccessStaysARestEventMarkedBreakTheGlass() {
        var record = AuditFixtures.read("pat-c")
        record.emergency = .access
        record.purposeOfUse = [.emergencyTreatment]
        let event = record.auditEvent()
        #expect(codings(.array([event["type"]!])) == ["http://terminology.hl7.org/CodeSystem/audit-event-type|rest"])
        #expect(conceptTokens(event["purposeOfEvent"]) == ["http://terminology.hl7.org/CodeSystem/v3-ActReason|BTG"])
        #expect(conceptTokens(event["agent"]?[0]?["purposeOfUse"]) == ["http://terminology.hl7.org/CodeSystem/v3-ActReason|ETREAT"])
    }

    @Test func searchCarriesItsQueryInBase64AndEveryPatient() throws {
        let record = AuditRecord(interaction: .searchType, agent: AuditFixtures.doctor, patientIDs: ["a", "b"],
                                 query: "Observation?code=http://loinc.org|1234-5&_count=10", source: AuditFixtures.source)
        let event = record.auditEvent()
        #expect(event["action"] == "E")
        let entities = try #require(event["entity"]?.arrayValue)
        #expect(entities.map { $0["what"]?["reference"]?.stringValue } == ["Patient/a", "Patient/b", nil])
        let query = try #require(entities[2]["query"]?.stringValue)
        #expect(String(decoding: try #require(Data(base64Encoded: query)), as: UTF8.self)
            == "Observation?code=http://loinc.org|1234-5&_count=10")
        #expect(codings(.array([entities[2]["role"]!])) == ["http://terminology.hl7.org/CodeSystem/object-role|24"])
    }

    @Test func operatorWithoutClientOrOrganisationHasUserAndServerAgentsOnly() throws {
        let record = AuditRecord(interaction: .searchSystem, outcome: .seriousFailure, outcomeDescription: "timeout",
                                 agent: AuditAgent(who: "Device/operator"), source: AuditSource(name: "dossier"))
        let event = record.auditEvent()
        let agents = try #require(event["agent"]?.arrayValue)
        #expect(agents.count == 2)
        #expect(agents[0]["who"]?["reference"] == "Device/operator")
        #expect(agents[1]["network"] == nil)
        #expect(event["outcome"] == "8")
        #expect(event["outcomeDesc"] == "timeout")
        #expect(event["entity"] == nil)
    }

    @Test func renderingIsDeterministicAndItsKeysReadBack() throws {
        var record = AuditFixtures.read("pat-a", "DocumentReference/d1")
        record.patientIDs = ["pat-b", "pat-a", "pat-b"]
        record.emergency = .access
        let bytes = record.auditEvent().serialized()
        #expect(record.auditEvent().serialized() == bytes)
        let keys = try #require(AuditEventKeys(event: try JSON.parse(bytes)))
        #expect(keys.id == record.id)
        #expect(keys.recordedMicroseconds == 1_767_225_600_000_000)
        #expect(keys.agent == "Practitioner/p1")
        #expect(keys.role == "PractitionerRole/r1")
        #expect(keys.organization == "Organization/h1")
        #expect(keys.isEmergency)
        #expect(keys.action == "R")
        #expect(keys.outcome == 0)
        #expect(keys.patientIDs == ["pat-a", "pat-b"])
        #expect(keys.entityReferences == ["DocumentReference/d1", "Patient/pat-a", "Patient/pat-b"])
        #expect(keys.type == AuditEventKeys.encodeCodes(["http://terminology.hl7.org/CodeSystem/audit-event-type|rest"]))
    }

    @Test(arguments: AuditInteraction.allCases)
    func everyInteractionRendersItsRestfulInteractionCode(_ interaction: AuditInteraction) {
        let event = AuditRecord(interaction: interaction, agent: AuditFixtures.doctor, source: AuditFixtures.source).auditEvent()
        #expect(codings(event["subtype"]) == ["http://hl7.org/fhir/restful-interaction|\(interaction.code)"])
        #expect(event["action"]?.stringValue == interaction.defaultAction.code)
    }
}
