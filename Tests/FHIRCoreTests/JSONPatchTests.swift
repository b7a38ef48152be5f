import FHIRCore
import Foundation
import Testing

@Suite("JSON Patch (RFC 6902)")
struct JSONPatchTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var comment: String
        var doc: JSON
        var patch: JSON
        var expected: JSON?
        var error: String?
        var testDescription: String { comment }
    }

    static let cases: [Case] = {
        let url = Bundle.module.url(forResource: "Fixtures/json-patch-tests", withExtension: "json")!
        let json = try! JSON.parse(Array(try! Data(contentsOf: url)))
        return json.arrayValue!.map { c in
            Case(comment: c["comment"]?.stringValue ?? "?", doc: c["doc"]!, patch: c["patch"]!, expected: c["expected"], error: c["error"]?.stringValue)
        }
    }()

    @Test("HL7 fhir-test-cases", arguments: cases)
    func officialCase(_ c: Case) throws {
        do {
            let result = try JSONPatch(c.patch).apply(to: c.doc)
            #expect(c.error == nil, "expected an error: \(c.error ?? "")")
            if let expected = c.expected { #expect(result == expected) }
        } catch {
            #expect(c.error != nil, "unexpected error \(error)")
        }
    }

    @Test func pointerEscapesAndAppend() throws {
        let doc: JSON = ["a/b": ["x"], "m~n": 1]
        let patch: JSON = [["op": "add", "path": "/a~1b/-", "value": "y"], ["op": "replace", "path": "/m~0n", "value": 2]]
        let result = try JSONPatch(patch).apply(to: doc)
        #expect(result == ["a/b": ["x", "y"], "m~n": 2])
    }

    @Test func malformedDocumentsAreInvalid() {
        #expect(throws: FHIRError.self) { try JSONPatch(["op": "add"]) }
        #expect(throws: FHIRError.self) { try JSONPatch([["op": "frobnicate", "path": "/a"]]) }
        #expect(throws: FHIRError.self) { try JSONPatch([["op": "add", "path": "a", "value": 1]]) }
    }

    @Test func failedTestLeavesNothingApplied() throws {
        let doc: JSON = ["a": 1]
        let patch = try JSONPatch([["op": "replace", "path": "/a", "value": 2], ["op": "test", "path": "/a", "value": 3]])
        #expect(throws: FHIRError.self) { try patch.apply(to: doc) }
        #expect(doc == ["a": 1])
    }
}
