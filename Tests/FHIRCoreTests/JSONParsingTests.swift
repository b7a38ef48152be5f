import Testing
import FHIRCore

/// Parses `text`, returning the error's first diagnostics (or nil when it parsed).
private func parseError(_ text: String, limits: JSONLimits = .default) -> String? {
    do {
        _ = try JSON.parse(text, limits: limits)
        return nil
    } catch {
        #expect(error.code == .invalid)
        #expect(error.issues.first?.code == "structure")
        return error.issues.first?.diagnostics
    }
}

private func parseError(bytes: [UInt8]) -> String? {
    do {
        _ = try JSON.parse(bytes)
        return nil
    } catch {
        #expect(error.code == .invalid)
        return error.issues.first?.diagnostics
    }
}

@Suite("JSON parsing")
struct JSONParsingTests {
    @Test func parsesEveryKindOfValue() throws {
        let json = try JSON.parse(#"{"a": null, "b": true, "c": false, "d": 12, "e": "x", "f": [1, {"g": []}], "h": {}}"#)
        #expect(json["a"] == .null)
        #expect(json["b"] == .bool(true))
        #expect(json["c"] == .bool(false))
        #expect(json["d"] == .number("12"))
        #expect(json["e"] == .string("x"))
        #expect(json["f"] == .array([.number("1"), .object(["g": .array([])])]))
        #expect(json["h"] == .object(JSONObject()))
    }

    @Test func parsesScalarsAtTheRoot() throws {
        #expect(try JSON.parse("  42 ") == .number("42"))
        #expect(try JSON.parse("\"x\"") == .string("x"))
        #expect(try JSON.parse("null") == .null)
        #expect(try JSON.parse("[]") == .array([]))
    }

    @Test(arguments: ["0", "-0", "-0.0", "1.50", "1e3", "1E+3", "1e-3", "-12.340e10", "123456789012345678901234567890.000000000000001"])
    func keepsTheExactTextOfNumbers(_ text: String) throws {
        #expect(try JSON.parse("[\(text)]") == .array([.number(text)]))
        #expect(try JSON.parse("[\(text)]").jsonString == "[\(text)]")
    }

    @Test(arguments: ["01", "-", "+1", "1.", ".5", "1e", "1e+", "-a", "0x10", "1.5.2", "NaN", "Infinity", "- 1", "00"])
    func rejectsMalformedNumbers(_ text: String) {
        #expect(parseError("[\(text)]") != nil)
    }

    @Test func keepsTheOrderOfKeys() throws {
        let json = try JSON.parse(#"{"z": 1, "a": 2, "m": 3, "b": 4}"#)
        #expect(json.objectValue?.keys == ["z", "a", "m", "b"])
    }

    @Test func decodesEscapes() throws {
        let json = try JSON.parse(#"["\"\\\/\b\f\n\r\t", "\u00e9\u0041", "\ud83d\ude00", "a\u0000b", "caf\u00E9 ok"]"#)
        #expect(json[0] == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(json[1] == .string("éA"))
        #expect(json[2] == .string("😀"))
        #expect(json[3] == .string("a\u{0}b"))
        #expect(json[4] == .string("café ok"))
    }

    @Test func keepsNonASCIIText() throws {
        let text = "Zoë Ångström — 日本語 😀 and a long tail to cross the eight-byte fast path"
        #expect(try JSON.parse("[\"\(text)\"]") == .array([.string(text)]))
        #expect(try JSON.parse("[\"\(text)\\n\(text)\"]") == .array([.string(text + "\n" + text)]))
    }

    @Test func acceptsAByteOrderMarkAndAllJSONWhitespace() throws {
        #expect(try JSON.parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8)) == .object(JSONObject()))
        #expect(try JSON.parse(" \t\r\n{ \t\r\n\"a\" \n:\n1 \n}\n") == .object(["a": .number("1")]))
    }

    @Test func parsesFromAnyByteCollection() throws {
        let bytes = Array(#"{"a":[1,2]}"#.utf8)
        #expect(try JSON.parse(bytes[...]) == JSON.parse(bytes))
        #expect(try JSON.parse(bytes.lazy.map { $0 }) == .object(["a": .array([.number("1"), .number("2")])]))
    }

    @Test func rejectsEmptyInput() {
        #expect(parseError("")?.contains("empty") == true)
        #expect(parseError("   \n ")?.contains("empty") == true)
        #expect(parseError(bytes: [])?.contains("empty") == true)
    }

    @Test func rejectsTrailingGarbage() {
        let message = parseError("{\"a\": 1}\n  x")
        #expect(message?.contains("after the end of the JSON value") == true)
        #expect(message?.contains("line 2 column 3") == true)
        #expect(parseError("[1] [2]") != nil)
        #expect(parseError("1 2") != nil)
    }

    @Test func rejectsDuplicateKeys() {
        #expect(parseError(#"{"a": 1, "b": 2, "a": 3}"#)?.contains("duplicate key \"a\"") == true)
        // Past the size where a hash set takes over.
        let many = (0..<40).map { "\"k\($0)\": \($0)" }.joined(separator: ", ")
        #expect(parseError("{\(many), \"k17\": 0}")?.contains("duplicate key \"k17\"") == true)
        #expect(parseError("{\(many), \"k40\": 0}") == nil)
        #expect(parseError(#"[{"a": 1}, {"a": 2}]"#) == nil)
    }

    @Test func rejectsInvalidUTF8() {
        for bad: [UInt8] in [[0xFF], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3], [0x80]] {
            let message = parseError(bytes: Array("[\"ab".utf8) + bad + Array("\"]".utf8))
            #expect(message?.contains("UTF-8") == true, "\(bad)")
        }
        #expect(parseError(bytes: Array("[\"a\\n".utf8) + [0xC3, 0x28] + Array("\"]".utf8))?.contains("UTF-8") == true)
        #expect(parseError(bytes: [0xFF]) != nil)
    }

    @Test func rejectsUnescapedControlCharacters() {
        #expect(parseError("[\"a\nb\"]")?.contains("control character") == true)
        #expect(parseError("[\"a\tb\"]")?.contains("control character") == true)
        #expect(parseError("[\"a\\tb\u{1}\"]")?.contains("control character") == true)
    }

    @Test func rejectsBadEscapes() {
        #expect(parseError(#"["\x"]"#)?.contains("escape") == true)
        #expect(parseError(#"["\u12"]"#)?.contains("escape") == true)
        #expect(parseError(#"["\u12G4"]"#)?.contains("escape") == true)
        #expect(parseError(#"["\ud83d"]"#)?.contains("surrogate") == true)
        #expect(parseError(#"["\ud83d\u0041"]"#)?.contains("surrogate") == true)
        #expect(parseError(#"["\ude00"]"#)?.contains("surrogate") == true)
    }

    @Test func rejectsStructuralMistakes() {
        for text in ["{", "[", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a: 1}", "{'a': 1}", "[1 2]", "\"abc", "tru", "truex",
                     "nul", "[,1]", "{\"a\":}", "]", "}", "[\"a\\", "{\"a\":1", "True"] {
            #expect(parseError(text) != nil, "\(text)")
        }
    }

    @Test func saysWhereTheErrorIs() {
        let message = parseError("{\n  \"a\": [1,\n    2,,\n  ]\n}")
        #expect(message == "Invalid JSON: unexpected character ',', expected a value at line 3 column 7")
        #expect(parseError("[\"é\", x]")?.hasSuffix("line 1 column 7") == true)
        #expect(parseError("{\"a\": [1, 2")?.contains("unterminated array") == true)
    }

    @Test func limitsTheDepth() throws {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(parseError(deep)?.contains("nesting deeper than the limit of 64") == true)
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(parseError(ok) == nil)
        #expect(parseError(#"{"a": {"b": {}}}"#, limits: JSONLimits(maxDepth: 2)) != nil)
        #expect(parseError(#"{"a": {"b": 1}}"#, limits: JSONLimits(maxDepth: 2)) == nil)
        // Far past the stack: still a clean error.
        let hostile = String(repeating: "[", count: 1_000_000)
        #expect(parseError(hostile) != nil)
    }
}
