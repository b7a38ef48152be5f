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
