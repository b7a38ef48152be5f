import FHIRCore
import FHIRServer
import Testing

@Suite("Conditional create, update, delete and patch")
struct ConditionalTests {
    /// A hospital's own record numbers: any value goes (national systems have checked values, see IdentityTests).
    static let mrn = "http://hospital.example.org/mrn"

    func patient(_ value: String, id: String? = nil) -> String {
        let idPart = id.map { #""id":"\#($0)","# } ?? ""
        return #"{"resourceType":"Patient",\#(idPart)"identifier":[{"system":"\#(Self.mrn)","value":"\#(value)"}]}"#
    }

    @Test func ifNoneExistReturnsTheExistingResource() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let first = await t.send(.post, "Patient", body: patient("123"), headers: ["if-none-exist": "identifier=\(Self.mrn)|123"])
        #expect(first.status == 201)
        let second = await t.send(.post, "Patient", body: patient("123"), headers: ["if-none-exist": "identifier=\(Self.mrn)|123"])
        #expect(second.status == 200)
        #expect(second.json["id"] == first.json["id"])
        let history = await t.send(.get, "Patient/_history")
        #expect(history.json["total"]?.numberText == "1")
    }

    @Test func ifNoneExistWithSeveralMatchesIs412() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        _ = await t.send(.post, "Patient", body: patient("1"))
        _ = await t.send(.post, "Patient", body: patient("1"))
        let r = await t.send(.post, "Patient", body: patient("1"), headers: ["if-none-exist": "identifier=1"])
        #expect(r.status == 412)
    }

    @Test func conditionalUpdateCreatesThenUpdates() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let created = await t.send(.put, "Patient?identifier=\(Self.mrn)|9", body: patient("9"))
        #expect(created.status == 201)
        let id = try #require(created.json["id"]?.stringValue)
        let updated = await t.send(.put, "Patient?identifier=\(Self.mrn)|9", body: patient("9"))
        #expect(updated.status == 200)
        #expect(updated.json["id"]?.stringValue == id)
        #expect(updated.header("ETag") == "W/\"2\"")
    }

    @Test func conditionalDeleteDeletesTheMatch() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let id = try #require(await t.send(.post, "Patient", body: patient("5")).json["id"]?.stringValue)
        #expect(await t.send(.delete, "Patient?identifier=5").status == 204)
        #expect(await t.send(.get, "Patient/\(id)").status == 410)
    }

    @Test func unsupportedConditionIsRefusedNotIgnored() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        _ = await t.send(.post, "Patient", body: patient("5"))
        #expect(await t.send(.delete, "Patient?family=Durand").status == 400)
        let search = await t.send(.get, "Patient")
        #expect(search.json["total"]?.numberText == "1")
    }

    @Test func jsonPatchAppliesAndVersions() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        _ = await t.send(.put, "Patient/a", body: #"{"resourceType":"Patient","id":"a","active":true}"#)
        let r = await t.send(.patch, "Patient/a", body: #"[{"op":"replace","path":"/active","value":false},{"op":"add","path":"/gender","value":"other"}]"#,
                             headers: ["content-type": "application/json-patch+json", "if-match": "W/\"1\""])
        #expect(r.status == 200)
        #expect(r.json["active"]?.boolValue == false)
        #expect(r.json["gender"]?.stringValue == "other")
        #expect(r.header("ETag") == "W/\"2\"")
        let bad = await t.send(.patch, "Patient/a", body: #"[{"op":"replace","path":"/birthDate","value":"not-a-date"}]"#,
                               headers: ["content-type": "application/json-patch+json"])
        #expect(bad.status == 400 || bad.status == 422)
        #expect(await t.send(.get, "Patient/a").header("ETag") == "W/\"2\"")
    }

    @Test func searchByTokenAndId() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        _ = await t.send(.put, "Patient/a", body: patient("1", id: "a"))
        _ = await t.send(.put, "Patient/b", body: patient("2", id: "b"))
        let byIdentifier = await t.send(.get, "Patient?identifier=\(Self.mrn)|2")
        #expect(byIdentifier.json["total"]?.numberText == "1")
        #expect(byIdentifier.json["entry"]?[0]?["resource"]?["id"]?.stringValue == "b")
        let byId = await t.send(.get, "Patient?_id=a,b")
        #expect(byId.json["total"]?.numberText == "2")
        let lenient = await t.send(.get, "Patient?unknown=1")
        #expect(lenient.status == 200)
        let strict = await t.send(.get, "Patient?unknown=1", headers: ["prefer": "handling=strict"])
        #expect(strict.status == 400)
    }
}
