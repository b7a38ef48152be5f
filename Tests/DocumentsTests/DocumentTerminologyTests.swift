import Documents
import FHIRCore
import Testing

@Suite("DMP document terminology")
struct DocumentTerminologyTests {
    let terminology = DocumentTerminology.shipped
    static let a03 = "https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument"
    static let a05 = "https://mos.esante.gouv.fr/NOS/TRE_A05-TypeDocComplementaire/FHIR/TRE-A05-TypeDocComplementaire"

    static func document(type: (String, String), category: (String, String)?) -> JSON {
        var json: JSON = ["resourceType": "DocumentReference", "type": ["coding": [["system": .string(type.0), "code": .string(type.1)]]]]
        if let category { json["category"] = [["coding": [["system": .string(category.0), "code": .string(category.1)]]]] }
        return json
    }

    @Test func shippedCodesHaveEnglishAndFrenchDisplays() throws {
        #expect(terminology.codes.filter { $0.kind == .type }.count == 93)
        #expect(terminology.codes.filter { $0.kind == .class }.count == 12)
        let discharge = try #require(terminology.lookup(.type, system: "http://loinc.org", code: "11490-0"))
        #expect(discharge.displayFrench == "Lettre de liaison à la sortie d'un établissement de soins")
        #expect(discharge.displayEnglish == "Physician Discharge summary")
        #expect(discharge.acceptedByDMP)
        let report = try #require(terminology.lookup(.class, system: "urn:oid:1.2.250.1.213.1.1.4.1", code: "10"))
        #expect(report.displayEnglish == "Report" && report.displayFrench == "Compte rendu")
        #expect(terminology.lookup(.class, system: Self.a03, code: "95")?.acceptedByDMP == false)
        #expect(terminology.codes.allSatisfy { !$0.displayEnglish.isEmpty && !$0.displayFrench.isEmpty })
    }

    @Test func domainLOINCCodesAreAccepted() {
        for code in ["11490-0", "34112-3", "34874-8", "77436-4", "11502-2", "18748-4", "60591-5", "11369-6", "57833-6"] {
            #expect(terminology.check(Self.document(type: ("http://loinc.org", code), category: (Self.a03, "10"))).isEmpty, "\(code)")
        }
    }

    @Test func unknownCodesOfTheDMPSystemsAreNamedByElement() {
        let type = terminology.check(Self.document(type: (Self.a05, "NOPE"), category: nil))
        #expect(type.map(\.expression) == [["DocumentReference.type.coding[0]"]])
        #expect(type.first?.code == "code-invalid")
        let category = terminology.check(Self.document(type: (Self.a05, "SYNTH"), category: (Self.a03, "99")))
        #expect(category.map(\.expression) == [["DocumentReference.category[0].coding[0]"]])
        // A LOINC type outside the CI-SIS set is refused on a DMP document (it has a TRE_A03 class)...
        #expect(!terminology.check(Self.document(type: ("http://loinc.org", "34117-2"), category: (Self.a03, "10"))).isEmpty)
        // ...and accepted elsewhere (an NHS or Synthea document), as are other systems.
        #expect(terminology.check(Self.document(type: ("http://loinc.org", "34117-2"), category: nil)).isEmpty)
        #expect(terminology.check(Self.document(type: ("http://snomed.info/sct", "371531000"), category: ("http://example.org", "x"))).isEmpty)
    }
}
