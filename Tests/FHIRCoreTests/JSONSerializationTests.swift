import Testing
import FHIRCore

@Suite("JSON serialisation")
struct JSONSerializationTests {
    static let patient = """
        {"resourceType":"Patient","id":"p1","meta":{"lastUpdated":"2024-01-02T03:04:05.123456Z"},"active":true,\
        "name":[{"family":"Zoë","given":["Ann","Marie"]}],"deceasedBoolean":false,"multipleBirthInteger":2,\
        "extension":[{"url":"http://example.org/x","valueDecimal":1.50}],"photo":[],"contact":{},"x":null,\
        "text":{"div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">a\\nb</div>"}}
        """

    @Test func roundTripsCompactTextExactly() throws {
        let json = try JSON.parse(Self.patient)
        #expect(json.jsonString == Self.patient)
        #expect(try JSON.parse(json.serialized()) == json)
    }

    @Test func writesPrettyTextWithTwoSpaces() throws {
        let json = try JSON.parse(#"{"a":[1,{"b":"c"}],"d":{},"e":[]}"#)
        let pretty = String(decoding: json.serialized(pretty: true), as: UTF8.self)
        #expect(pretty == """
            {
              "a": [
                1,
                {
                  "b": "c"
                }
              ],
              "d": {},
              "e": []
            }
            """)
        #expect(try JSON.parse(pretty) == json)
    }

    @Test func escapesWhatJSONRequiresAndNothingElse() throws {
        let json = JSON.string("q\" b\\ s/ \n\r\t\u{8}\u{C} \u{0}\u{1F}\u{7F} é 😀")
        #expect(json.jsonString == #""q\" b\\ s/ \n\r\t\b\f \u0000\u001f"# + "\u{7F} é 😀\"")
        #expect(try JSON.parse(json.jsonString) == json)
    }

    @Test func escapesKeys() throws {
        let json = JSON.object(["a\"b": .null, "c\nd": .bool(true)])
        #expect(json.jsonString == #"{"a\"b":null,"c\nd":true}"#)
        #expect(try JSON.parse(json.jsonString) == json)
    }

    @Test func keepsDecimalText() {
        let json = JSON.array([.number("1.50"), .number("1e3"), .number("-0.0")])
        #expect(json.jsonString == "[1.50,1e3,-0.0]")
    }

    @Test func appendsToAnExistingBuffer() {
        var buffer = Array("[".utf8)
        JSON.bool(true).serialize(into: &buffer)
        buffer.append(UInt8(ascii: ","))
        JSON.string("x").serialize(into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "[true,\"x\"")
    }

    @Test func roundTripsDeepAndWideValues() throws {
        var value = JSON.string("leaf")
        for k in 0..<60 { value = k % 2 == 0 ? .array([value, .number("\(k)")]) : .object(["k\(k)": value]) }
        #expect(try JSON.parse(value.serialized()) == value)
        #expect(try JSON.parse(value.serialized(pretty: true)) == value)
        let wide = JSON.object(JSONObject((0..<500).map { JSONObject.Member(key: "key\($0)", value: .string(String(repeating: "é", count: $0))) }))
        #expect(try JSON.parse(wide.serialized()) == wide)
    }
}
