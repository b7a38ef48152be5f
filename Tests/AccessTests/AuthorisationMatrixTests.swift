import Access
import FHIRCore
import Foundation
import Testing

@Suite struct AuthorisationMatrixTests {
    @Test func shippedMatrixCoversEveryNamedProfessionAndSurvivesAJSONRoundTrip() throws {
        let matrix = AuthorisationMatrix.default
        for profession in Profession.known { #expect(matrix.entries[profession] != nil, "\(profession)") }
        let again = try AuthorisationMatrix(json: JSON.parse(matrix.json.jsonString))
        #expect(again == matrix)
        #expect(!matrix.description.isEmpty)
    }

    /// FHIRCore checks PractitionerRole codes on write with its own list (it cannot import Access): every profession
    /// Access knows, and every one the shipped matrix names, must be writable.
    @Test func everyKnownProfessionIsAcceptedOnWrite() {
        let named = Profession.known + Array(AuthorisationMatrix.default.entries.keys)
        for profession in named {
            #expect(ProfessionCodes.problem(system: profession.code.system, code: profession.code.code) == nil, "\(profession)")
            #expect(ProfessionCodes.codes[profession.code.system]?.contains(profession.code.code) == true, "\(profession)")
        }
    }

    @Test func deploymentMayReplaceTheMatrixWithAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("matrix-\(UUID()).json").path
        try #"{"description":"nurses read allergies only","professions":[{"system":"http://terminology.hl7.org/CodeSystem/practitioner-role","code":"nurse","read":{"AllergyIntolerance":"*"},"breakTheGlass":[]}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let matrix = try AuthorisationMatrix(contentsOfFile: path)
        #expect(matrix.allowsRead(.nurse, ResourceAccessMetadata(resourceType: "AllergyIntolerance")))
        #expect(!matrix.allowsRead(.nurse, ResourceAccessMetadata(resourceType: "Observation")))
        #expect(!matrix.allowsRead(.doctor, ResourceAccessMetadata(resourceType: "AllergyIntolerance")))
        #expect(!matrix.allowsBreakTheGlass(.nurse, .emergencyTreatment))
    }

    @Test func malformedMatrixIsRefused() {
        #expect(throws: FHIRError.self) {
            try AuthorisationMatrix(json: JSON.parse(#"{"professions":[{"system":"s","code":"c","read":{"Observation":["no-bar"]}}]}"#))
        }
        #expect(throws: FHIRError.self) {
            try AuthorisationMatrix(json: JSON.parse(#"{"professions":[{"system":"s","code":"c","breakTheGlass":["x|TREAT"]}]}"#))
        }
    }
}
