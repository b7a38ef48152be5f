import Access
import FHIRCore
import Foundation
import Testing

@Suite struct ResourceAccessMetadataTests {
    @Test func documentReferenceMetadataIsReadFromTypeCategoryLabelsAuthorsAndDate() throws {
        let json = try JSON.parse("""
        {"resourceType":"DocumentReference","id":"d1",
         "meta":{"security":[{"system":"urn:oid:1.2.250.1.213.1.1.4.13","code":"MASQUE_PS"},
                             {"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}]},
         "securityLabel":[{"coding":[{"system":"urn:oid:1.2.250.1.213.1.1.4.13","code":"INVISIBLE_PATIENT"}]}],
         "status":"current","type":{"coding":[{"system":"http://loinc.org","code":"11490-0"}]},
         "category":[{"coding":[{"system":"http://loinc.org","code":"34112-3"}]}],
         "author":[{"reference":"PractitionerRole/ro1"},{"reference":"Organization/o1"},{"reference":"http://elsewhere/fhir/Practitioner/x"}],
         "date":"2025-01-31T10:00:00+01:00","content":[]}
        """)
        let m = ResourceAccessMetadata.extract(from: json)
        #expect(m.resourceType == "DocumentReference")
        #expect(m.codes == [SystemCode("http://loinc.org", "11490-0"), SystemCode("http://loinc.org", "34112-3")])
        #expect(m.labels == [.maskedFromProfessionals, .invisibleToPatient])
        #expect(m.confidentiality == .restricted)
        #expect(m.authors == [.practitionerRole("ro1"), .organization("o1")])
        #expect(m.documentDate == Fx.date("2025-01-31T09:00:00Z"))
        #expect(m.patientVisibleFrom == Fx.date("2025-02-28T09:00:00Z"))
        #expect(!m.addedByPatient)
    }

    @Test func patientAddedDocumentsAreRecognisedByTagOrPatientAuthor() throws {
        let tagged = try JSON.parse(#"{"resourceType":"DocumentReference","meta":{"tag":[{"system":"https://dossier.health/CodeSystem/record-origin","code":"patient-added"}]}}"#)
        #expect(ResourceAccessMetadata.extract(from: tagged).addedByPatient)
        let authored = try JSON.parse(#"{"resourceType":"DocumentReference","author":[{"reference":"Patient/pa1"}]}"#)
        #expect(ResourceAccessMetadata.extract(from: authored).addedByPatient)
    }

    @Test func consentMetadataCarriesItsDecisionAndObservationItsCategory() throws {
        let consent = ConsentParserTests.consent(#"{"type":"deny","actor":[\#(ConsentParserTests.actor("Practitioner/pr1"))]}"#)
        #expect(ResourceAccessMetadata.extract(from: consent).consent?.kind == .block(practitionerIDs: ["pr1"]))
        let observation = try JSON.parse(#"{"resourceType":"Observation","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],"performer":[{"reference":"Practitioner/pr1"}],"issued":"2025-03-31T00:00:00Z"}"#)
        let m = ResourceAccessMetadata.extract(from: observation)
        #expect(m.codes == [SystemCode("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory")])
        #expect(m.authors == [.practitioner("pr1")])
        #expect(m.patientVisibleFrom == Fx.date("2025-04-30T00:00:00Z"))
    }
}
