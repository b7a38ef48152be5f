import FHIRCore
import FHIRServer
import Testing

@Suite("Create, read, update, delete")
struct CRUDTests {
    let patient = #"{"resourceType":"Patient","name":[{"family":"Durand","given":["Léa"]}],"birthDate":"1980-02-29","extension":[{"url":"http://x/y","valueDecimal":1.50}]}"#

    @Test func createAssignsIdVersionAndReturnsLocationAndETag() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let r = await t.send(.post, "Patient", body: patient)
        #expect(r.status == 201)
        let id = try #require(r.json["id"]?.stringValue)
        #expect(r.header("Location") == "http://test/fhir/Patient/\(id)/_history/1")
        #expect(r.header("ETag") == "W/\"1\"")
        #expect(r.header("Last-Modified")?.hasSuffix("GMT") == true)
        #expect(r.json["meta"]?["versionId"]?.stringValue == "1")
        #expect(r.json["meta"]?["lastUpdated"]?.stringValue?.hasSuffix("Z") == true)
    }

    @Test func readReturnsStoredResourceLosslessly() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let id = try #require(await t.send(.post, "Patient", body: patient).json["id"]?.stringValue)
        let r = await t.send(.get, "Patient/\(id)")
        #expect(r.status == 200)
        let text = String(decoding: r.body, as: UTF8.self)
        #expect(text.contains("1.50"))
        #expect(text.contains("Léa"))
        #expect(r.json["birthDate"]?.stringValue == "1980-02-29")
    }

    @Test func serverIdsAreDistinctVersion4UUIDs() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        var ids = Set<String>()
        for _ in 0..<20 {
            let id = try #require(await t.send(.post, "Patient", body: patient).json["id"]?.stringValue)
            #expect(id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil, "\(id)")
            ids.insert(id)
        }
        #expect(ids.count == 20)
    }

    @Test func createIgnoresClientIdInBody() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let r = await t.send(.post, "Patient", body: #"{"resourceType":"Patient","id":"mine"}"#)
        #expect(r.status == 201)
        #expect(r.json["id"]?.stringValue != "mine")
    }

    @Test func updateIncrementsVersionAndVreadReturnsOldVersions() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let id = try #require(await t.send(.post, "Patient", body: patient).json["id"]?.stringValue)
        let u = await t.send(.put, "Patient/\(id)", body: #"{"resourceType":"Patient","id":"\#(id)","gender":"female"}"#)
        #expect(u.status == 200)
        #expect(u.header("ETag") == "W/\"2\"")
        let v1 = await t.send(.get, "Patient/\(id)/_history/1")
        #expect(v1.status == 200)
        #expect(v1.json["gender"] == nil)
        let v2 = await t.send(.get, "Patient/\(id)/_history/2")
        #expect(v2.json["gender"]?.stringValue == "female")
        #expect(await t.send(.get, "Patient/\(id)/_history/3").status == 404)
    }

    @Test func updateWithClientIdCreates() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let r = await t.send(.put, "Patient/p-42", body: #"{"resourceType":"Patient","id":"p-42"}"#)
        #expect(r.status == 201)
        #expect(r.header("Location") == "http://test/fhir/Patient/p-42/_history/1")
    }

    @Test func updateRejectsMissingOrMismatchedId() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        #expect(await t.send(.put, "Patient/a", body: #"{"resourceType":"Patient"}"#).status == 400)
        #expect(await t.send(.put, "Patient/a", body: #"{"resourceType":"Patient","id":"b"}"#).status == 400)
        #expect(await t.send(.put, "Patient/a", body: #"{"resourceType":"Observation","id":"a"}"#).status == 400)
        #expect(await t.send(.get, "Patient/a").status == 404)
    }

    @Test func ifMatchMismatchIsPreconditionFailedAndChangesNothing() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        _ = await t.send(.put, "Patient/a", body: #"{"resourceType":"Patient","id":"a"}"#)
        let bad = await t.send(.put, "Patient/a", body: #"{"resourceType":"Patient","id":"a","gender":"male"}"#, headers: ["if-match": "W/\"7\""])
        #expect(bad.status == 412)
        #expect(bad.json["resourceType"]?.stringValue == "OperationOutcome")
        #expect(await t.send(.get, "Patient/a").header("ETag") == "W/\"1\"")
        let ok = await t.send(.put, "Patient/a", body: #"{"resourceType":"Patient","id":"a","gender":"male"}"#, headers: ["if-match": "W/\"1\""])
        #expect(ok.status == 200)
    }

    @Test func deleteIsVersionedAndReadAfterwardsIsGone() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        _ = await t.send(.put, "Patient/a", body: #"{"resourceType":"Patient","id":"a"}"#)
        #expect(await t.send(.delete, "Patient/a").status == 204)
        let r = await t.send(.get, "Patient/a")
        #expect(r.status == 410)
        #expect(r.json["resourceType"]?.stringValue == "OperationOutcome")
        #expect(await t.send(.get, "Patient/a/_history/1").status == 200)
        #expect(await t.send(.get, "Patient/a/_history/2").status == 410)
        // Re-creating after a delete continues the version sequence.
        let again = await t.send(.put, "Patient/a", body: #"{"resourceType":"Patient","id":"a"}"#)
        #expect(again.status == 201)
        #expect(again.header("ETag") == "W/\"3\"")
    }

    @Test func preferHeaderShapesWriteResponses() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        let minimal = await t.send(.post, "Patient", body: patient, headers: ["prefer": "return=minimal"])
        #expect(minimal.status == 201)
        #expect(minimal.body.isEmpty)
        #expect(minimal.header("Location") != nil)
        let oo = await t.send(.post, "Patient", body: patient, headers: ["prefer": "return=OperationOutcome"])
        #expect(oo.json["resourceType"]?.stringValue == "OperationOutcome")
    }

    @Test func conditionalReadAnswersNotModified() async throws {
        let t = try TestService.make(); defer { Task { await t.close() } }
        _ = await t.send(.put, "Patient/a", body: #"{"resourceType":"Patient","id":"a"}"#)
        #expect(await t.send(.get, "Patient/a", headers: ["if-none-match": "W/\"1\""]).status == 304)
        #expect(await t.send(.get, "Patient/a", headers: ["if-none-match": "W/\"0\""]).status == 200)
    }
}
