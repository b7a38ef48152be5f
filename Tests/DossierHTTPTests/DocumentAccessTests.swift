import FHIRCore
import FHIRServer
import Foundation
import SQLiteAudit
import SQLiteStore
import Testing

/// A document's content follows its DocumentReference (DOMAIN.md rule 4, RULES-API.md "Document visibility"):
/// read by exactly those who may read the document, 404 to everyone else with nothing of the content in the
/// error, written by those who may write it, audited with the patient.
@Suite("Document content access")
struct DocumentAccessTests {
    static let base = "http://localhost/fhir"

    struct World: Sendable {
        let service: FHIRService
        let auditLog: SQLiteAuditLog

        static let callers: [String: RequestCaller] = [
            "operator": RequestCaller(subject: "operator", fhirUser: nil, isOperator: true),
            "alice": RequestCaller(subject: "alice", fhirUser: "Patient/pat"),
            "parent": RequestCaller(subject: "parent", fhirUser: "RelatedPerson/parent"),
            "gp": RequestCaller(subject: "gp", fhirUser: "Practitioner/gp", role: "PractitionerRole/r-gp"),
            "doc": RequestCaller(subject: "doc", fhirUser: "Practitioner/doc", role: "PractitionerRole/r-doc"),
            "stranger": RequestCaller(subject: "stranger", fhirUser: "Practitioner/stranger", role: "PractitionerRole/r-stranger"),
        ]

        func send(_ who: String, _ method: FHIRRequest.Method, _ path: String, body: [UInt8] = [], headers: [String: String] = [:]) async -> FHIRResponse {
            let parts = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            return await service.handle(FHIRRequest(method: method, path: parts[0].split(separator: "/").map(String.init),
                                                    query: parts.count > 1 ? QueryString.parse(String(parts[1])) : [],
                                                    headers: headers, body: body, caller: Self.callers[who]!))
        }

        func upload(_ who: String, _ id: String, context: String?, _ text: String) async -> FHIRResponse {
            var headers = ["content-type": "text/plain"]
            if let context { headers["x-security-context"] = context }
            return await send(who, .put, "Binary/\(id)", body: Array(text.utf8), headers: headers)
        }

        func contentFiles() -> Int {
            let root = service.contentStore.directory
            guard let folders = try? FileManager.default.contentsOfDirectory(atPath: root) else { return 0 }
            return folders.filter { $0 != "tmp" }.reduce(0) { $0 + ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + $1).count) ?? 0) }
        }
    }

    func withWorld(_ body: (World) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-docs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(path: dir.appendingPathComponent("dossier.sqlite").path)
        var configuration = ServerConfiguration(baseURL: Self.base)
        configuration.accessRules = true
        configuration.contentDirectory = dir.appendingPathComponent("content").path
        let auditLog = try SQLiteAuditLog(path: dir.appendingPathComponent("audit.sqlite").path)
        let world = World(service: FHIRService(store: store, configuration: configuration, auditLog: auditLog), auditLog: auditLog)
        for json in AccessRulesHTTPTests.worldResources() {
            let object = try JSON.parse(Array(json.utf8))
            let type = object["resourceType"]!.stringValue!, id = object["id"]!.stringValue!
            let r = await world.send("operator", .put, "\(type)/\(id)", body: Array(json.utf8), headers: ["content-type": "application/fhir+json"])
            #expect(r.status == 201, "\(type)/\(id)")
        }
        for doc in ["d-discharge", "d-masked", "d-result", "d-not-for-parents"] {
            #expect(await world.upload("operator", "b-\(doc)", context: "DocumentReference/\(doc)", "content of \(doc)").status == 201)
        }
        #expect(await world.upload("operator", "b-loose", context: nil, "content of no document").status == 201)
        do { try await body(world) } catch { try? await auditLog.close(); try? await store.close(); throw error }
        try await auditLog.close()
        try await store.close()
    }

    @Test func contentIsReadExactlyByThoseWhoMayReadItsDocument() async throws {
        try await withWorld { w in
            let expected: [(String, String, Bool)] = [
                ("alice", "b-d-discharge", true), ("alice", "b-d-masked", true), ("alice", "b-d-result", false),
                ("parent", "b-d-discharge", true), ("parent", "b-d-not-for-parents", false),
                ("gp", "b-d-discharge", true), ("gp", "b-d-masked", true),
                ("doc", "b-d-discharge", true), ("doc", "b-d-masked", false),
                ("stranger", "b-d-discharge", false), ("stranger", "b-d-masked", false),
                ("alice", "b-loose", false), ("gp", "b-loose", false), ("operator", "b-loose", true),
            ]
            let absent = await w.send("stranger", .get, "Binary/absent")
            for (who, binary, readable) in expected {
                for accept in ["text/plain", "application/fhir+json"] {
                    let r = await w.send(who, .get, "Binary/\(binary)", headers: ["accept": accept, "range": "bytes=0-3"])
                    #expect((r.status != 404) == readable, "\(who) \(binary) \(accept): \(r.status)")
                    if !readable {
                        // Exactly like an absent Binary: no size, no hash, no range.
                        #expect(r.header("Content-Range") == nil && r.header("ETag") == nil && r.content == nil)
                        #expect(String(decoding: r.body, as: UTF8.self) == String(decoding: absent.body, as: UTF8.self).replacingOccurrences(of: "absent", with: binary))
                    }
                }
            }
        }
    }

    @Test func contentIsWrittenByThoseWhoMayWriteTheDocument() async throws {
        try await withWorld { w in
            let before = w.contentFiles()
            // Refused before any byte is accepted: no file is left.
            #expect(await w.upload("stranger", "s1", context: "DocumentReference/d-discharge", "intrusion").status == 404)
            #expect(await w.upload("stranger", "s2", context: "Patient/pat", "intrusion").status == 403)
            #expect(await w.upload("gp", "s3", context: nil, "no document").status == 403)
            #expect(await w.upload("doc", "b-d-discharge", context: "Patient/other", "replacing").status == 403, "the current version's document decides too")
            #expect(w.contentFiles() == before)
            // The document's author may replace its content; a professional with a care relationship and the patient
            // may add content for the record.
            #expect(await w.upload("doc", "b-d-discharge", context: nil, "corrected discharge letter").status == 200)
            #expect(await w.upload("doc", "new-for-pat", context: "Patient/pat", "new letter").status == 201)
            #expect(await w.upload("alice", "mine", context: "Patient/pat", "my own document").status == 201)
            // Uploaded for the record but linked to no document yet: the operator's only.
            #expect(await w.send("doc", .get, "Binary/new-for-pat").status == 404)
        }
    }

    @Test func readingContentIsAuditedWithThePatient() async throws {
        try await withWorld { w in
            #expect(await w.send("gp", .get, "Binary/b-d-masked").status == 200)
            let events = await w.send("operator", .get, "AuditEvent?patient=pat&entity=Binary/b-d-masked&agent=Practitioner/gp")
            #expect((events.json["entry"]?.arrayValue ?? []).count == 1, "\(events.json)")
            // The patient sees it among the accesses to their record.
            let mine = await w.send("alice", .get, "AuditEvent?entity=Binary/b-d-masked")
            #expect((mine.json["entry"]?.arrayValue ?? []).count >= 1)
        }
    }

    @Test func hidingADocumentHidesItsContentAndIsAuditedOnItsOwn() async throws {
        try await withWorld { w in
            // A document the doctor reads without being its author.
            #expect(await w.send("doc", .get, "Binary/b-d-not-for-parents").status == 200)
            let mask = #"{"resourceType":"Parameters","parameter":[{"name":"meta","valueMeta":{"security":[{"system":"urn:oid:1.2.250.1.213.1.1.4.13","code":"MASQUE_PS"}]}}]}"#
            let r = await w.send("alice", .post, "DocumentReference/d-not-for-parents/$meta-add", body: Array(mask.utf8), headers: ["content-type": "application/fhir+json"])
            #expect(r.status == 200, "\(r.json)")
            #expect(await w.send("doc", .get, "Binary/b-d-not-for-parents").status == 404)
            #expect(await w.send("gp", .get, "Binary/b-d-not-for-parents").status == 200)
            let events = await w.send("operator", .get, "AuditEvent?entity=DocumentReference/d-not-for-parents&agent=Patient/pat")
            let event = try #require(events.json["entry"]?[0]?["resource"])
            #expect(event["outcome"]?.stringValue == "0")
            #expect((event["entity"]?.arrayValue ?? []).contains { $0["what"]?["reference"]?.stringValue?.hasPrefix("DocumentReference/d-not-for-parents") == true })
        }
    }
}

extension FHIRResponse {
    /// The body parsed as JSON (`.null` when empty or not JSON).
    var json: JSON { (try? JSON.parse(body)) ?? .null }
}
