import Testing
import FHIRCore

@Suite("Patient compartment and SimplePath")
struct PatientCompartmentTests {
    @Test func observationSubjectAndPerformer() throws {
        let observation = try JSON.parse("""
            {"resourceType":"Observation","id":"o1","status":"final","code":{"text":"x"},
             "subject":{"reference":"Patient/p1"},
             "performer":[{"reference":"Practitioner/dr"},{"reference":"http://other/fhir/Patient/p2/_history/3"},{"reference":"Patient/p1"}]}
            """)
        #expect(PatientCompartment.patientIDs(of: observation) == ["p1", "p2"])
    }

    @Test func encounterSubjectMustResolveToAPatient() throws {
        let encounter: JSON = ["resourceType": "Encounter", "status": "finished", "subject": ["reference": "Patient/p1"]]
        #expect(PatientCompartment.patientIDs(of: encounter) == ["p1"])
        let group: JSON = ["resourceType": "Encounter", "status": "finished", "subject": ["reference": "Group/g1"]]
        #expect(PatientCompartment.patientIDs(of: group) == [])
    }

    @Test func claimPatient() throws {
        let claim: JSON = [
            "resourceType": "Claim", "patient": ["reference": "Patient/p9"],
            "payee": ["type": ["text": "x"], "party": ["reference": "Organization/o1"]],
            "provider": ["reference": "Practitioner/dr"],
        ]
        #expect(PatientCompartment.patientIDs(of: claim) == ["p9"])
    }

    @Test func allergyPatientAndRecorder() throws {
        let allergy: JSON = [
            "resourceType": "AllergyIntolerance", "patient": ["reference": "Patient/p1"],
            "recorder": ["reference": "Patient/p2"], "asserter": ["reference": "RelatedPerson/r1"],
        ]
        #expect(PatientCompartment.patientIDs(of: allergy) == ["p1", "p2"])
        let recordedByDoctor: JSON = [
            "resourceType": "AllergyIntolerance", "patient": ["reference": "Patient/p1"],
            "recorder": ["reference": "Practitioner/dr"],
        ]
        #expect(PatientCompartment.patientIDs(of: recordedByDoctor) == ["p1"])
    }

    @Test func provenanceTargets() throws {
        let provenance: JSON = [
            "resourceType": "Provenance", "recorded": "2024-01-01T00:00:00Z",
            "target": [["reference": "Observation/o1"], ["reference": "Patient/p3"]],
            "agent": [["who": ["reference": "Practitioner/dr"]]],
        ]
        #expect(PatientCompartment.patientIDs(of: provenance) == ["p3"])
    }

    @Test func patientItselfAndItsLinks() throws {
        let patient: JSON = [
            "resourceType": "Patient", "id": "p1",
            "link": [["other": ["reference": "Patient/p0"], "type": "replaces"], ["other": ["reference": "RelatedPerson/r"], "type": "seealso"]],
        ]
        #expect(PatientCompartment.patientIDs(of: patient) == ["p1", "p0"])
        #expect(PatientCompartment.patientIDs(of: ["resourceType": "Patient", "id": "solo"]) == ["solo"])
    }

    @Test func referencesThatAreNotPatientIDs() {
        for reference in ["urn:uuid:c757873d-ec9a-4326-a141-556f43239520", "#p1", "Patient?identifier=x|1", "Patient", "nonsense"] {
            let o: JSON = ["resourceType": "Observation", "subject": ["reference": .string(reference)]]
            #expect(PatientCompartment.patientIDs(of: o) == [], "\(reference)")
        }
    }

    @Test func typesOutsideTheCompartment() {
        #expect(PatientCompartment.patientIDs(of: ["resourceType": "Practitioner", "id": "dr"]) == [])
        #expect(PatientCompartment.patientIDs(of: ["resourceType": "Medication"]) == [])
        #expect(PatientCompartment.patientIDs(of: ["nothing": true]) == [])
        #expect(R4.patientCompartment.links(for: "Observation").map(\.parameter) == ["subject", "performer"])
    }

    @Test func everyCompartmentExpressionCompiles() {
        var count = 0
        for type in R4.resourceTypes { count += R4.patientCompartment.links(for: type).count }
        #expect(count == 100)
    }

    @Test func simplePathSubset() throws {
        let observation = try JSON.parse("""
            {"resourceType":"Observation","valueQuantity":{"value":1.5,"unit":"mg"},
             "component":[{"code":{"text":"a"},"valueString":"x"},{"code":{"text":"b"},"valueQuantity":{"value":2}}],
             "contained":[{"resourceType":"Patient","id":"c1","name":[{"family":"F"}]}]}
            """)
        #expect(try SimplePath("Observation.value").evaluate(observation) == [.object(["value": .number("1.5"), "unit": "mg"])])
        #expect(try SimplePath("(Observation.value as Quantity).unit").evaluate(observation) == ["mg"])
        #expect(try SimplePath("Observation.value as String").evaluate(observation) == [])
        #expect(try SimplePath("Observation.value.ofType(Quantity).value").evaluate(observation) == [.number("1.5")])
        #expect(try SimplePath("Observation.component.value.as(String)").evaluate(observation) == ["x"])
        #expect(try SimplePath("Observation.component.value").evaluate(observation).count == 2)
        #expect(try SimplePath("Observation.component[1].code.text").evaluate(observation) == ["b"])
        #expect(try SimplePath("Observation.component.code.text.first()").evaluate(observation) == ["a"])
        #expect(try SimplePath("Observation.component.code.text | Observation.value.unit").evaluate(observation) == ["a", "b", "mg"])
        #expect(try SimplePath("Observation.contained.ofType(Patient).name.family").evaluate(observation) == ["F"])
        #expect(try SimplePath("Patient.name").evaluate(observation) == [])
        #expect(try SimplePath("Resource.contained.id").evaluate(observation) == ["c1"])
        let typed: JSON = ["resourceType": "Encounter", "subject": ["type": "Patient", "identifier": ["value": "1"]]]
        #expect(try SimplePath("Encounter.subject.where(resolve() is Patient)").evaluate(typed).count == 1)
        #expect(throws: FHIRError.self) { _ = try SimplePath("Patient.name.where(use = 'official')") }
        #expect(throws: FHIRError.self) { _ = try SimplePath("Patient.name.exists()") }
        #expect(throws: FHIRError.self) { _ = try SimplePath("Patient.name +") }
    }
}
