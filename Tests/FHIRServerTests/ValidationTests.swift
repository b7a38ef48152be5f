import FHIRCore
import FHIRServer
import Testing

@Suite("Bad input is refused with an OperationOutcome and changes nothing")
struct ValidationTests {
    @Test func malformedJSONIs400() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let r = await t.send(.post, "Patient", body: #"{"resourceType":"Patient","#)
        #expect(r.status == 400)
        #expect(r.json["resourceType"]?.stringValue == "OperationOutcome")
    }

    @Test func badPrimitiveNamesTheElement() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let r = await t.send(.post, "Patient", body: #"{"resourceType":"Patient","birthDate":"1980-02-30"}"#)
        #expect(r.status == 400)
        let expressions = r.json["issue"]?.arrayValue?.compactMap { $0["expression"]?[0]?.stringValue } ?? []
        #expect(expressions.contains("Patient.birthDate"))
        let history = await t.send(.get, "Patient/_history")
        #expect(history.json["total"]?.numberText == "0")
    }

    @Test func unknownResourceTypeIs404() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        #expect(await t.send(.get, "Patientx/1").status == 404)
        #expect(await t.send(.post, "Patientx", body: #"{"resourceType":"Patientx"}"#).status == 404)
    }

    @Test func bodyTypeMustMatchURL() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        #expect(await t.send(.post, "Patient", body: #"{"resourceType":"Observation","status":"final","code":{"text":"x"}}"#).status == 400)
    }

    @Test func invalidIdIs400() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        #expect(await t.send(.get, "Patient/a_b").status == 400)
        #expect(await t.send(.put, "Patient/\(String(repeating: "x", count: 65))", body: #"{"resourceType":"Patient"}"#).status == 400)
    }

    @Test func xmlIsNotAcceptableOrSupported() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        #expect(await t.send(.get, "metadata", headers: ["accept": "application/fhir+xml"]).status == 406)
        #expect(await t.send(.get, "metadata?_format=xml").status == 406)
        #expect(await t.send(.post, "Patient", body: "<Patient/>", headers: ["content-type": "application/fhir+xml"]).status == 415)
    }

    @Test func bodyOverTheLimitIs413() async throws {
        let t = try TestService.make(.init(baseURL: "http://test/fhir", maxBodyBytes: 100)); defer { Task { await t.close() } }
        let big = #"{"resourceType":"Patient","name":[{"family":"\#(String(repeating: "a", count: 200))"}]}"#
        #expect(await t.send(.post, "Patient", body: big).status == 413)
    }

    @Test func tooDeepJSONIs400() async throws {
        let t = try TestService.make(.init(baseURL: "http://test/fhir", maxJSONDepth: 8)); defer { Task { await t.close() } }
        let deep = #"{"resourceType":"Patient","extension":[{"url":"a","extension":[{"url":"b","extension":[{"url":"c","extension":[{"url":"d","valueString":"x"}]}]}]}]}"#
        #expect(await t.send(.post, "Patient", body: deep).status == 400)
    }

    @Test func wrongMethodIs405AndUnknownOperationIs501() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        #expect(await t.send(.delete, "metadata").status == 405)
        #expect(await t.send(.post, "Patient/1").status == 405)
        #expect(await t.send(.get, "Patient/1/$frobnicate").status == 501)
    }

    @Test func metadataIsACapabilityStatement() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let r = await t.send(.get, "metadata")
        #expect(r.status == 200)
        #expect(r.json["resourceType"]?.stringValue == "CapabilityStatement")
        #expect(r.json["fhirVersion"]?.stringValue == "4.0.1")
        let resources = r.json["rest"]?[0]?["resource"]?.arrayValue ?? []
        #expect(resources.contains { $0["type"]?.stringValue == "Patient" })
    }
}
