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

@Suite("JSON Patch details")
struct JSONPatchDetailTests {
    static func apply(_ patch: JSON, to doc: JSON) throws(FHIRError) -> JSON {
        try JSONPatch(patch).apply(to: doc)
    }

    static func errorCode(_ patch: JSON, _ doc: JSON) -> FHIRError.Code? {
        do {
            _ = try apply(patch, to: doc)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func everyOfficialCaseGivesTheExpectedResultOrAnUnprocessableError() throws {
        for c in JSONPatchTests.cases {
            if let expected = c.expected {
                #expect(try JSONPatch(c.patch).apply(to: c.doc).isEquivalent(to: expected), "\(c.comment)")
            } else {
                #expect(Self.errorCode(c.patch, c.doc) == .unprocessable, "\(c.comment)")
            }
        }
        #expect(JSONPatchTests.cases.count == 16)
    }

    @Test func malformedDocumentsAreInvalidNotUnprocessable() {
        let doc: JSON = ["a": 1]
        for patch: JSON in [
            ["op": "add"], [1], [["path": "/a"]], [["op": "add", "path": "/a"]], [["op": "move", "path": "/a"]],
            [["op": "test", "path": "/a"]], [["op": "remove", "path": 3]], [["op": "remove", "path": "a"]],
            [["op": "remove", "path": "/a~2"]], [["op": "remove", "path": "/a~"]], [["op": "frobnicate", "path": "/a"]],
        ] {
            #expect(Self.errorCode(patch, doc) == .invalid, "\(patch.jsonString)")
        }
    }

    @Test func failuresAreUnprocessable() {
        let doc: JSON = ["a": [1, 2], "b": ["c": "d"]]
        for patch: JSON in [
            [["op": "remove", "path": "/x"]], [["op": "remove", "path": "/a/2"]], [["op": "remove", "path": "/a/-"]],
            [["op": "replace", "path": "/x", "value": 1]], [["op": "add", "path": "/a/3", "value": 1]],
            [["op": "add", "path": "/a/01", "value": 1]], [["op": "add", "path": "/x/y", "value": 1]],
            [["op": "move", "from": "/b", "path": "/b/c"]], [["op": "copy", "from": "/x", "path": "/y"]],
            [["op": "test", "path": "/x", "value": 1]], [["op": "remove", "path": ""]], [["op": "add", "path": "/b/c/d", "value": 1]],
        ] {
            #expect(Self.errorCode(patch, doc) == .unprocessable, "\(patch.jsonString)")
        }
    }

    @Test func replaceKeepsTheMemberInPlace() throws {
        let result = try Self.apply([["op": "replace", "path": "/b", "value": 9]], to: ["a": 1, "b": 2, "c": 3])
        #expect(result.objectValue?.keys == ["a", "b", "c"])
        #expect(result["b"] == 9)
    }

    @Test func addToTheRootReplacesTheDocument() throws {
        #expect(try Self.apply([["op": "add", "path": "", "value": ["x": true]]], to: ["a": 1]) == ["x": true])
        #expect(try Self.apply([["op": "replace", "path": "", "value": [1]]], to: ["a": 1]) == [1])
    }

    @Test func moveCopyAndAppend() throws {
        let doc: JSON = ["name": [["given": ["Claire"]]], "other": "x"]
        let result = try Self.apply([
            ["op": "add", "path": "/name/0/given/-", "value": "Anne"],
            ["op": "copy", "from": "/name/0", "path": "/name/-"],
            ["op": "move", "from": "/other", "path": "/name/1/text"],
            ["op": "move", "from": "/name/0", "path": "/name/0"],
        ], to: doc)
        #expect(result == ["name": [["given": ["Claire", "Anne"]], ["given": ["Claire", "Anne"], "text": "x"]]])
        // "-" is an ordinary member name in an object.
        #expect(try Self.apply([["op": "add", "path": "/-", "value": 1]], to: ["a": 1]) == ["a": 1, "-": 1])
    }

    @Test func testComparesJSONValues() throws {
        let doc = try JSON.parse(#"{"n": 1.0, "o": {"a": 1, "b": [true, null]}, "s": "é"}"#)
        #expect(throws: Never.self) {
            _ = try Self.apply([
                ["op": "test", "path": "/n", "value": 1], ["op": "test", "path": "/o", "value": ["b": [true, nil], "a": .number("1e0")]],
                ["op": "test", "path": "/s", "value": "é"],
            ], to: doc)
        }
        #expect(Self.errorCode([["op": "test", "path": "/n", "value": "1"]], doc) == .unprocessable)
        #expect(Self.errorCode([["op": "test", "path": "/o/b", "value": [nil, true]]], doc) == .unprocessable)
        #expect(Self.errorCode([["op": "test", "path": "/s", "value": "e\u{301}"]], doc) == .unprocessable)
    }

    @Test func pointers() throws {
        #expect(try JSONPointer("/a~1b/~0/0/").tokens == ["a/b", "~", "0", ""])
        #expect(try JSONPointer("/~01").tokens == ["~1"])
        #expect(try JSONPointer("").tokens == [])
        #expect(try JSONPointer("/a~1b/~0").description == "/a~1b/~0")
        let doc: JSON = ["a": [["b": 1]]]
        #expect(try JSONPointer("/a/0/b").value(in: doc) == 1)
        #expect(try JSONPointer("/a/1").value(in: doc) == nil)
        #expect(try JSONPointer("/a/-").value(in: doc) == nil)
        #expect(try JSONPointer("/a/0").isInside(JSONPointer("/a")))
        #expect(try !JSONPointer("/ab").isInside(JSONPointer("/a")))
    }
}
