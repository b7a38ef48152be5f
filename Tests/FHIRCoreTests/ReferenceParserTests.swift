import Testing
import FHIRCore

@Suite("Reference parsing")
struct ReferenceParserTests {
    @Test func relative() throws {
        let r = try #require(ReferenceParser.parse("Patient/123"))
        #expect(r.kind == .relative && r.type == "Patient" && r.id == "123" && r.version == nil && r.baseURL == nil)
        #expect(r.typeAndID == "Patient/123")
        let v = try #require(ReferenceParser.parse("Patient/123/_history/2"))
        #expect(v.kind == .relative && v.id == "123" && v.version == "2")
    }

    @Test func absolute() throws {
        let r = try #require(ReferenceParser.parse("http://base/fhir/Patient/123"))
        #expect(r.kind == .absolute && r.type == "Patient" && r.id == "123" && r.baseURL == "http://base/fhir")
        let v = try #require(ReferenceParser.parse("https://example.org:8443/r4/Observation/a.b-c/_history/7"))
        #expect(v.type == "Observation" && v.id == "a.b-c" && v.version == "7" && v.baseURL == "https://example.org:8443/r4")
        let other = try #require(ReferenceParser.parse("http://example.org/some/document.pdf"))
        #expect(other.kind == .absolute && other.type == nil && other.id == nil)
        let hostOnly = try #require(ReferenceParser.parse("http://Patient/1"))
        #expect(hostOnly.kind == .absolute && hostOnly.type == nil)
    }

    @Test func urnsContainedAndConditional() throws {
        let uuid = try #require(ReferenceParser.parse("urn:uuid:c757873d-ec9a-4326-a141-556f43239520"))
        #expect(uuid.kind == .urnUUID && uuid.type == nil && uuid.id == nil && uuid.urn == "urn:uuid:c757873d-ec9a-4326-a141-556f43239520")
        #expect(ReferenceParser.parse("urn:uuid:not-a-uuid") == nil)
        let oid = try #require(ReferenceParser.parse("urn:oid:1.2.840.113619"))
        #expect(oid.kind == .urnOID)
        #expect(ReferenceParser.parse("urn:oid:9.1") == nil)
        let contained = try #require(ReferenceParser.parse("#med1"))
        #expect(contained.kind == .contained && contained.id == "med1")
        #expect(ReferenceParser.parse("#")?.kind == .contained)
        let conditional = try #require(ReferenceParser.parse("Patient?identifier=http://x|1"))
        #expect(conditional.kind == .conditional && conditional.type == "Patient" && conditional.query == "identifier=http://x|1")
    }

    @Test(arguments: ["", "123", "patient/1", "Patient/", "Patient/bad id", "Patient/a_b", "/Patient/1", "Patient/1/2",
                      "Patient/1/_history/", "#bad id", "urn:uuid:", "Patient/\(String(repeating: "x", count: 65))"])
    func rejected(_ text: String) {
        #expect(ReferenceParser.parse(text) == nil)
    }
}
