import Access
import FHIRCore
import Foundation
import Testing

@Suite struct ConsentParserTests {
    static func consent(_ provision: String, status: String = "active") -> JSON {
        try! JSON.parse("""
        {"resourceType":"Consent","id":"c1","status":"\(status)",
         "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
         "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
         "patient":{"reference":"Patient/pa1"},"dateTime":"2025-06-01T10:00:00Z","provision":\(provision)}
        """)
    }
    static let prcp = #"{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"PRCP"}]}"#
    static func actor(_ ref: String) -> String { #"{"role":\#(prcp),"reference":{"reference":"\#(ref)"}}"# }

    @Test func authorisationOfAnOrganisationWithAPeriodParses() throws {
        let parsed = try ConsentParser.parse(Self.consent(#"{"type":"permit","actor":[\#(Self.actor("Organization/o1"))],"period":{"start":"2025-06-01","end":"2025-06-30"}}"#))
        #expect(parsed.patientID == "pa1")
        #expect(parsed.decision.kind == .authorise([.organization("o1")]))
        #expect(parsed.decision.consentID == "c1")
        // The end day is included: the period ends at the first instant after it.
        #expect(parsed.decision.period == ConsentPeriod(start: Fx.date("2025-06-01T00:00:00Z"), end: Fx.date("2025-07-01T00:00:00Z")))
    }

    @Test func gpEquivalentGrantParses() throws {
        let parsed = try ConsentParser.parse(Self.consent(#"{"type":"permit","actor":[\#(Self.actor("PractitionerRole/ro1"))],"action":[{"coding":[{"system":"https://dossier.health/CodeSystem/consent-action","code":"gp-equivalent"}]}]}"#))
        #expect(parsed.decision.kind == .gpEquivalent([.practitionerRole("ro1")]))
    }

    @Test func blockAndObjectionParseAndWithdrawnStatusIsKept() throws {
        let block = try ConsentParser.parse(Self.consent(#"{"type":"deny","actor":[\#(Self.actor("Practitioner/pr1"))]}"#, status: "inactive"))
        #expect(block.decision.kind == .block(practitionerIDs: ["pr1"]))
        #expect(block.decision.status == .inactive)
        let objection = try ConsentParser.parse(Self.consent(#"{"type":"deny","purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"ETREAT"}]}"#))
        #expect(objection.decision.kind == .objectToEmergencyAccess)
    }

    @Test(arguments: [
        (#"{"type":"deny","actor":[\#(actor("Organization/o1"))]}"#, "Consent.provision.actor[0].reference"),
        (#"{"type":"permit"}"#, "Consent.provision.actor"),
        (#"{"type":"permit","actor":[{"reference":{"reference":"Practitioner/pr1"}}]}"#, "Consent.provision.actor[0].role"),
        (#"{"type":"permit","actor":[\#(actor("Patient/pa2"))]}"#, "Consent.provision.actor[0].reference"),
        (#"{"type":"deny","actor":[\#(actor("Practitioner/pr1"))],"period":{"end":"2026-01-01"}}"#, "Consent.provision.period"),
        (#"{"type":"deny","purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"HRESCH"}]}"#, "Consent.provision.purpose"),
        (#"{"type":"maybe"}"#, "Consent.provision.type"),
        (#"{"type":"permit","actor":[\#(actor("Practitioner/pr1"))],"period":{"start":"2025-07-01","end":"2025-06-01"}}"#, "Consent.provision.period"),
        (#"{"type":"permit","actor":[\#(actor("Practitioner/pr1"))],"provision":[]}"#, "Consent.provision.provision"),
    ])
    func malformedProvisionIsRefusedNamingTheElement(_ provision: String, _ element: String) {
        #expect {
            try ConsentParser.parse(Self.consent(provision))
        } throws: { error in
            guard let error = error as? FHIRError else { return false }
            return error.httpStatus == 422 && error.issues.first?.expression == [element]
        }
    }

    @Test func unknownStatusAndMissingScopeAreRefused() {
        #expect(throws: FHIRError.self) { try ConsentParser.parse(Self.consent(#"{"type":"deny","actor":[\#(Self.actor("Practitioner/pr1"))]}"#, status: "draft")) }
        var noScope = Self.consent(#"{"type":"deny","actor":[\#(Self.actor("Practitioner/pr1"))]}"#)
        noScope["scope"] = nil
        #expect(throws: FHIRError.self) { try ConsentParser.parse(noScope) }
    }
}
