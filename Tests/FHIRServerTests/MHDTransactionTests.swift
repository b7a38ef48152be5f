import FHIRCore
import FHIRServer
import Foundation
import Testing

/// IHE MHD conformance of the three transactions (ITI-65 provide, ITI-67 find, ITI-68 retrieve), each success
/// and error path, the replace flow, and content deduplication. The access rules are off here
/// (DocumentAccessTests in DossierHTTPTests covers who sees what).
@Suite("MHD document transactions")
struct MHDTransactionTests {
    static func withService(_ body: (TestService) async throws -> Void) async throws {
        let t = try TestService.make()
        #expect(await t.send(.put, "Patient/pat", body: DocumentFixtures.patient).status == 201)
        #expect(await t.send(.put, "Patient/other", body: DocumentFixtures.otherPatient).status == 201)
        do { try await body(t) } catch { await t.close(); throw error }
        await t.close()
    }

    /// The ids written by a transaction response, by type.
    static func written(_ response: FHIRResponse) -> [String: String] {
        var ids: [String: String] = [:]
        for entry in response.json["entry"]?.arrayValue ?? [] {
            guard let location = entry["response"]?["location"]?.stringValue else { continue }
            let parts = location.split(separator: "/")
            ids[String(parts[0])] = String(parts[1])
        }
        return ids
    }

    static func issue(_ response: FHIRResponse) -> (code: String?, expression: String?, text: String) {
        let issue = response.json["issue"]?[0]
        return (issue?["code"]?.stringValue, issue?["expression"]?[0]?.stringValue, issue?["diagnostics"]?.stringValue ?? "")
    }

    // MARK: ITI-65

    @Test func provideDocumentBundleStoresTheDocumentAndItsContent() async throws {
        try await Self.withService { t in
            let content = DocumentFixtures.pdf()
            let (sha1, size) = try DocumentFixtures.digest(content)
            let r = await t.send(.post, "", body: DocumentFixtures.provideBundle(content: content, hash: sha1, size: size))
            #expect(r.status == 200, "\(r.json)")
            let ids = Self.written(r)
            let docID = try #require(ids["DocumentReference"]), binaryID = try #require(ids["Binary"])
            #expect(ids["List"] != nil)
            // The attachment URL was rewritten from the urn:uuid to the Binary.
            let doc = await t.send(.get, "DocumentReference/\(docID)")
            #expect(doc.json["content"]?[0]?["attachment"]?["url"]?.stringValue == "Binary/\(binaryID)")
            // The Binary follows its DocumentReference and keeps no inline data.
            let stored = await t.send(.get, "Binary/\(binaryID)/_history/1")
            #expect(stored.json["securityContext"]?["reference"]?.stringValue == "DocumentReference/\(docID)")
            #expect(stored.json["data"] == nil)
            // ITI-68: the bytes come back as they were sent.
            let raw = await t.sendRaw(.get, "Binary/\(binaryID)", headers: ["accept": "application/pdf"])
            #expect(raw.status == 200)
            #expect(raw.header("Content-Type") == "application/pdf")
            #expect(try await t.bytes(of: raw) == content)
        }
    }

    @Test func provideBundleWithoutSubmissionSetIsRefusedNamingTheEntries() async throws {
        try await Self.withService { t in
            let r = await t.send(.post, "", body: DocumentFixtures.provideBundle(content: DocumentFixtures.pdf(), withSubmissionSet: false))
            #expect(r.status == 422)
            #expect(Self.issue(r).expression == "Bundle.entry")
            #expect(Self.issue(r).text.contains("SubmissionSet"))
            #expect(await t.ids("DocumentReference").isEmpty)
        }
    }

    @Test func provideBundleWithADocumentMissingFromTheSubmissionSetIsRefused() async throws {
        try await Self.withService { t in
            let r = await t.send(.post, "", body: DocumentFixtures.provideBundle(content: DocumentFixtures.pdf(), listed: false))
            #expect(r.status == 422)
            #expect(Self.issue(r).expression == "Bundle.entry[1].resource")
        }
    }

    @Test func provideBundleWithAnotherPatientsDocumentIsRefused() async throws {
        try await Self.withService { t in
            let r = await t.send(.post, "", body: DocumentFixtures.provideBundle(content: DocumentFixtures.pdf(), documentSubject: "Patient/other"))
            #expect(r.status == 422)
            #expect(Self.issue(r).expression == "Bundle.entry[1].resource.subject")
        }
    }

    @Test func provideBundleWithABinaryOfNoDocumentIsRefused() async throws {
        try await Self.withService { t in
            let r = await t.send(.post, "", body: DocumentFixtures.provideBundle(content: DocumentFixtures.pdf(), extraBinary: true))
            #expect(r.status == 422)
            #expect(Self.issue(r).expression == "Bundle.entry[3].resource")
        }
    }

    @Test func provideBundleWithAWrongHashWritesNothingAndKeepsNoContent() async throws {
        try await Self.withService { t in
            let content = DocumentFixtures.pdf()
            let (_, size) = try DocumentFixtures.digest(content)
            let wrong = try DocumentFixtures.digest([1, 2, 3]).sha1
            let r = await t.send(.post, "", body: DocumentFixtures.provideBundle(content: content, hash: wrong, size: size))
            #expect(r.status == 422, "\(r.json)")
            #expect(Self.issue(r).expression == "DocumentReference.content[0].attachment.hash")
            #expect(await t.ids("DocumentReference").isEmpty)
            #expect(await t.ids("List").isEmpty)
            #expect(t.contentFiles() == 0)
        }
    }

    @Test func provideBundleWithAWrongSizeIsRefused() async throws {
        try await Self.withService { t in
            let content = DocumentFixtures.pdf()
            let r = await t.send(.post, "", body: DocumentFixtures.provideBundle(content: content, size: content.count + 1))
            #expect(r.status == 422)
            #expect(Self.issue(r).expression == "DocumentReference.content[0].attachment.size")
            #expect(t.contentFiles() == 0)
        }
    }

    @Test func provideBundleWithAnUnknownDMPTypeCodeIsRefusedNamingTheType() async throws {
        try await Self.withService { t in
            let r = await t.send(.post, "", body: DocumentFixtures.provideBundle(content: DocumentFixtures.pdf(), type: "NOT-A-TYPE", typeSystem: DocumentFixtures.typeSystemA05))
            #expect(r.status == 422)
            #expect(Self.issue(r).code == "code-invalid")
            #expect(Self.issue(r).expression == "Bundle.entry[1].resource.type.coding[0]")
        }
    }

    @Test func provideBundleWithAnAttachmentToAnUnknownFullURLIsRefused() async throws {
        try await Self.withService { t in
            let body = DocumentFixtures.provideBundle(content: DocumentFixtures.pdf())
                .replacingOccurrences(of: #""url":"urn:uuid:4d5ad06b-4a51-4e55-b4b1-0d24a7d7a6b3""#, with: #""url":"urn:uuid:00000000-0000-4000-8000-000000000000""#)
            let r = await t.send(.post, "", body: body)
            #expect(r.status == 422 || r.status == 400, "\(r.json)")
            #expect(await t.ids("DocumentReference").isEmpty)
        }
    }

    @Test func documentReferenceWithAnUnknownClassCodeIsRefusedOnPlainCreate() async throws {
        try await Self.withService { t in
            let r = await t.send(.post, "DocumentReference", body: DocumentFixtures.documentReference(classCode: "99", url: nil))
            #expect(r.status == 422)
            #expect(Self.issue(r).expression == "DocumentReference.category[0].coding[0]")
            // DOMAIN.md's LOINC codes and other systems' codes are accepted.
            for code in ["11490-0", "34112-3", "34874-8", "77436-4", "11502-2", "18748-4", "60591-5", "11369-6", "57833-6"] {
                #expect(await t.send(.post, "DocumentReference", body: DocumentFixtures.documentReference(type: code, url: nil)).status == 201, "\(code)")
            }
            #expect(await t.send(.post, "DocumentReference", body: DocumentFixtures.documentReference(type: "34117-2", classCode: nil, url: nil)).status == 201)
        }
    }

    // MARK: replace

    @Test func replacingDocumentSupersedesTheOldOneInTheSameTransaction() async throws {
        try await Self.withService { t in
            let first = await t.send(.post, "", body: DocumentFixtures.provideBundle(content: DocumentFixtures.pdf(seed: 1)))
            let oldID = try #require(Self.written(first)["DocumentReference"])
            let oldBinary = try #require(Self.written(first)["Binary"])
            let second = await t.send(.post, "", body: DocumentFixtures.provideBundle(content: DocumentFixtures.pdf(seed: 2), replaces: "DocumentReference/\(oldID)"))
            #expect(second.status == 200, "\(second.json)")
            let newID = try #require(Self.written(second)["DocumentReference"])
            #expect(await t.send(.get, "DocumentReference/\(oldID)").json["status"]?.stringValue == "superseded")
            #expect(await t.ids("DocumentReference?status=superseded") == [oldID])
            #expect(await t.ids("DocumentReference?status=current") == [newID])
            // Superseded, never lost: its content is still served.
            let raw = await t.sendRaw(.get, "Binary/\(oldBinary)")
            #expect(try await t.bytes(of: raw) == DocumentFixtures.pdf(seed: 1))
            // Through a plain create too.
            let third = await t.send(.post, "DocumentReference", body: DocumentFixtures.documentReference(url: nil, replaces: "DocumentReference/\(newID)"))
            #expect(third.status == 201)
            #expect(await t.send(.get, "DocumentReference/\(newID)").json["status"]?.stringValue == "superseded")
        }
    }

    @Test func replacingAnUnknownOrOtherPatientsDocumentIsRefused() async throws {
        try await Self.withService { t in
            let missing = await t.send(.post, "DocumentReference", body: DocumentFixtures.documentReference(url: nil, replaces: "DocumentReference/nope"))
            #expect(missing.status == 422)
            #expect(Self.issue(missing).expression == "DocumentReference.relatesTo[0].target")
            let other = await t.send(.post, "DocumentReference", body: DocumentFixtures.documentReference(subject: "Patient/other", url: nil))
            let otherID = try #require(other.json["id"]?.stringValue)
            let cross = await t.send(.post, "DocumentReference", body: DocumentFixtures.documentReference(url: nil, replaces: "DocumentReference/\(otherID)"))
            #expect(cross.status == 422)
            #expect(await t.send(.get, "DocumentReference/\(otherID)").json["status"]?.stringValue == "current")
        }
    }

    // MARK: ITI-68 and raw uploads

    @Test func retrieveHonoursRangesETagsAndFHIRJSON() async throws {
        try await Self.withService { t in
            let content = DocumentFixtures.pdf(10_000)
            let up = await t.sendRaw(.post, "Binary", bytes: content, headers: ["content-type": "application/pdf"])
            #expect(up.status == 201, "\(up.json)")
            let id = try #require(up.json["id"]?.stringValue)
            let whole = await t.sendRaw(.get, "Binary/\(id)", headers: ["accept": "*/*"])
            #expect(whole.status == 200)
            #expect(whole.header("Accept-Ranges") == "bytes")
            let etag = try #require(whole.header("ETag"))
            #expect(whole.content?.length == 10_000)
            let part = await t.sendRaw(.get, "Binary/\(id)", headers: ["range": "bytes=100-199"])
            #expect(part.status == 206)
            #expect(part.header("Content-Range") == "bytes 100-199/10000")
            #expect(try await t.bytes(of: part) == Array(content[100...199]))
            let suffix = await t.sendRaw(.get, "Binary/\(id)", headers: ["range": "bytes=-10"])
            #expect(try await t.bytes(of: suffix) == Array(content.suffix(10)))
            let beyond = await t.sendRaw(.get, "Binary/\(id)", headers: ["range": "bytes=20000-"])
            #expect(beyond.status == 416)
            #expect(beyond.header("Content-Range") == "bytes */10000")
            let stale = await t.sendRaw(.get, "Binary/\(id)", headers: ["range": "bytes=0-9", "if-range": "\"other\""])
            #expect(stale.status == 200)
            #expect(await t.sendRaw(.get, "Binary/\(id)", headers: ["if-none-match": etag]).status == 304)
            let fhir = await t.sendRaw(.get, "Binary/\(id)", headers: ["accept": "application/fhir+json"])
            #expect(fhir.status == 200)
            #expect(fhir.json["data"]?.stringValue == Data(content).base64EncodedString())
            #expect(fhir.json["contentType"]?.stringValue == "application/pdf")
        }
    }

    @Test func largeDocumentAsFHIRJSONIsRefusedWithAPointerToTheRawBytes() async throws {
        var configuration = ServerConfiguration(baseURL: "http://test/fhir")
        configuration.maxInlineDocumentBytes = 1_000
        let t = try TestService.make(configuration); defer { Task { await t.close() } }
        let up = await t.sendRaw(.post, "Binary", bytes: DocumentFixtures.pdf(5_000), headers: ["content-type": "application/pdf"])
        let id = try #require(up.json["id"]?.stringValue)
        let r = await t.sendRaw(.get, "Binary/\(id)", headers: ["accept": "application/fhir+json"])
        #expect(r.status == 406)
        #expect(Self.issue(r).text.contains("raw content"))
        #expect(await t.sendRaw(.get, "Binary/\(id)").status == 200)
    }

    @Test func uploadOverTheDocumentLimitIs413AndLeavesNoFile() async throws {
        var configuration = ServerConfiguration(baseURL: "http://test/fhir")
        configuration.maxDocumentBytes = 1_000
        let t = try TestService.make(configuration); defer { Task { await t.close() } }
        let r = await t.sendRaw(.post, "Binary", bytes: DocumentFixtures.pdf(5_000), headers: ["content-type": "application/pdf"])
        #expect(r.status == 413)
        #expect(t.contentFiles() == 0)
        let tmp = (try? FileManager.default.contentsOfDirectory(atPath: t.service.contentStore.directory + "/tmp")) ?? []
        #expect(tmp.isEmpty)
    }

    @Test func sameContentIsStoredOnce() async throws {
        try await Self.withService { t in
            let content = DocumentFixtures.pdf(3_000)
            let a = await t.sendRaw(.post, "Binary", bytes: content, headers: ["content-type": "application/pdf"])
            let b = await t.sendRaw(.post, "Binary", bytes: content, headers: ["content-type": "application/pdf"])
            #expect(a.status == 201 && b.status == 201)
            #expect(a.json["id"] != b.json["id"])
            #expect(t.contentFiles() == 1)
            _ = await t.send(.post, "", body: DocumentFixtures.provideBundle(content: content))
            #expect(t.contentFiles() == 1)
        }
    }

    @Test func rawUploadIsCheckedAgainstItsDocumentsHashAndSize() async throws {
        try await Self.withService { t in
            let content = DocumentFixtures.pdf(2_000)
            let (sha1, size) = try DocumentFixtures.digest(content)
            let doc = await t.send(.put, "DocumentReference/d1", body: DocumentFixtures.documentReference(id: "d1", url: "Binary/b1", hash: sha1, size: size))
            #expect(doc.status == 422, "the attachment names a Binary not uploaded yet")
            // Upload first, for the patient; then file it in a document, which links it.
            let up = await t.sendRaw(.put, "Binary/b1", bytes: content, headers: ["content-type": "application/pdf", "x-security-context": "Patient/pat"])
            #expect(up.status == 201, "\(up.json)")
            #expect(await t.send(.put, "DocumentReference/d1", body: DocumentFixtures.documentReference(id: "d1", url: "Binary/b1", hash: sha1, size: size)).status == 201)
            #expect(await t.send(.get, "Binary/b1/_history/2").json["securityContext"]?["reference"]?.stringValue == "DocumentReference/d1")
            // A new version of the content that does not match the document: refused, nothing kept.
            let wrong = await t.sendRaw(.put, "Binary/b1", bytes: DocumentFixtures.pdf(2_000, seed: 9), headers: ["content-type": "application/pdf"])
            #expect(wrong.status == 422)
            #expect(Self.issue(wrong).expression == "DocumentReference.content[0].attachment.hash")
            #expect(t.contentFiles() == 1)
        }
    }

    // MARK: ITI-67

    @Test func findDocumentReferencesBySearchParameters() async throws {
        try await Self.withService { t in
            #expect(await t.send(.put, "Organization/hosp", body: #"{"resourceType":"Organization","id":"hosp","name":"Hospital"}"#).status == 201)
            let custodian = #","custodian":{"reference":"Organization/hosp"},"securityLabel":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}]}],"context":{"period":{"start":"2026-01-10","end":"2026-01-14"}}"#
            let masked = #","meta":{"security":[{"system":"urn:oid:1.2.250.1.213.1.1.4.13","code":"MASQUE_PS"}]}"#
            let a = DocumentFixtures.documentReference(id: "a", type: "11490-0", classCode: "10", url: nil, date: "2026-01-15T10:00:00Z", author: "Practitioner/doc", format: "urn:ihe:iti:xds:2017:mimeTypeSufficient", extra: custodian)
            let b = DocumentFixtures.documentReference(id: "b", type: "11502-2", classCode: "10", url: nil, date: "2025-06-01T10:00:00Z", author: "Practitioner/gp", extra: masked)
                .replacingOccurrences(of: "application/pdf", with: "text/plain")
            let c = DocumentFixtures.documentReference(id: "c", subject: "Patient/other", type: "57833-6", classCode: "42", status: "superseded", url: nil)
            for (id, body) in [("a", a), ("b", b), ("c", c)] {
                #expect(await t.send(.put, "DocumentReference/\(id)", body: body).status == 201, "\(id)")
            }
            #expect(await t.ids("DocumentReference?patient=pat") == ["a", "b"])
            #expect(await t.ids("DocumentReference?patient=Patient/other&status=superseded") == ["c"])
            #expect(await t.ids("DocumentReference?status=current") == ["a", "b"])
            #expect(await t.ids("DocumentReference?type=http://loinc.org|11502-2") == ["b"])
            #expect(await t.ids("DocumentReference?category=\(DocumentFixtures.classSystem)|42") == ["c"])
            #expect(await t.ids("DocumentReference?patient=pat&date=ge2026-01-01") == ["a"])
            #expect(await t.ids("DocumentReference?period=ge2026-01-11&period=le2026-01-13") == ["a"])
            #expect(await t.ids("DocumentReference?author=Practitioner/gp") == ["b"])
            #expect(await t.ids("DocumentReference?custodian=Organization/hosp") == ["a"])
            #expect(await t.ids("DocumentReference?security-label=R") == ["a"])
            #expect(await t.ids("DocumentReference?_security=urn:oid:1.2.250.1.213.1.1.4.13|MASQUE_PS") == ["b"])
            #expect(await t.ids("DocumentReference?format=urn:ihe:iti:xds:2017:mimeTypeSufficient") == ["a"])
            #expect(await t.ids("DocumentReference?contenttype=text/plain") == ["b"])
        }
    }
}
