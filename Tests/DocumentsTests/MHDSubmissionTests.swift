import Documents
import FHIRCore
import Testing

@Suite("ITI-65 submission rules")
struct MHDSubmissionTests {
    static let listType = ["coding": [["system": "https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes", "code": "submissionset"]]] as JSON

    static func bundle(items: [String] = ["urn:doc"], docSubject: String = "Patient/p", status: String = "current",
                       binaryURL: String = "urn:bin", submissionSets: Int = 1) -> JSON {
        var entries: [JSON] = []
        for _ in 0..<submissionSets {
            entries.append(["fullUrl": "urn:list", "resource": ["resourceType": "List", "code": listType, "subject": ["reference": "Patient/p"],
                                                                 "entry": .array(items.map { ["item": ["reference": .string($0)]] })]])
        }
        entries.append(["fullUrl": "urn:doc", "resource": ["resourceType": "DocumentReference", "status": .string(status),
                                                             "subject": ["reference": .string(docSubject)],
                                                             "content": [["attachment": ["url": "urn:bin"]]]]])
        entries.append(["fullUrl": .string(binaryURL), "resource": ["resourceType": "Binary", "contentType": "text/plain"]])
        return ["resourceType": "Bundle", "type": "transaction", "entry": .array(entries)]
    }

    @Test func conformantSubmissionHasNoIssues() {
        #expect(MHDSubmission.isSubmission(Self.bundle()))
        #expect(MHDSubmission.issues(Self.bundle()).isEmpty)
    }

    @Test func eachBrokenRuleNamesItsElement() {
        #expect(MHDSubmission.issues(Self.bundle(items: [])).map(\.expression) == [["Bundle.entry[1].resource"]])
        #expect(MHDSubmission.issues(Self.bundle(docSubject: "Patient/q")).map(\.expression) == [["Bundle.entry[1].resource.subject"]])
        #expect(MHDSubmission.issues(Self.bundle(status: "superseded")).map(\.expression) == [["Bundle.entry[1].resource.status"]])
        #expect(MHDSubmission.issues(Self.bundle(binaryURL: "urn:stray")).map(\.expression) == [["Bundle.entry[2].resource"]])
        #expect(MHDSubmission.issues(Self.bundle(submissionSets: 2)).map(\.expression).contains(["Bundle.entry[1].resource"]))
    }

    @Test func plainTransactionIsNotASubmission() {
        let plain: JSON = ["resourceType": "Bundle", "type": "transaction", "entry": [["resource": ["resourceType": "Patient"]]]]
        #expect(!MHDSubmission.isSubmission(plain))
    }
}
