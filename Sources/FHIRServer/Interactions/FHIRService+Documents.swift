import Access
import Documents
import FHIRCore
import Foundation
import Store

/// IHE MHD document content: ITI-68 Retrieve Document (`GET Binary/id` in the document's own media type, with
/// `ETag`, `Accept-Ranges` and `Range`), raw uploads (`POST Binary`, `PUT Binary/id` with a non-FHIR
/// Content-Type, streamed to the content store), and `Binary` as FHIR JSON (base64 `data`, small documents only).
extension FHIRService {
    /// Whether a request is a raw document upload (its body streamed to the content store, not parsed): `POST
    /// Binary` or `PUT Binary/id` whose Content-Type is not FHIR JSON. The HTTP layer asks this before reading a
    /// body, so that such a body is never collected in memory.
    public static func isRawDocumentUpload(method: FHIRRequest.Method, path: [String], contentType: String?) -> Bool {
        guard path.first == "Binary", (method == .post && path.count == 1) || (method == .put && path.count == 2) else { return false }
        guard let contentType, !contentType.isEmpty else { return false }
        let base = contentType.lowercased().split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return !["application/fhir+json", "application/json", "application/json+fhir", "text/json"].contains(base)
    }

    /// The Binary interactions this file answers; nil for the others (search, history, JSON writes...).
    func documentContent(_ request: FHIRRequest) async throws -> FHIRResponse? {
        let p = request.path, m = request.method
        if Self.isRawDocumentUpload(method: m, path: p, contentType: request.header("content-type")) {
            let source: any ContentSource = request.content ?? InMemoryContent(request.body)
            return try await uploadDocument(request, id: p.count == 2 ? try resourceID(p[1]) : nil, source: source)
        }
        if p.count == 2, m == .get || m == .head, !p[1].hasPrefix("$"), !p[1].hasPrefix("_") {
            return try await retrieveDocument(request, id: try resourceID(p[1]))
        }
        return nil
    }

    // MARK: ITI-68

    /// `GET Binary/id`: the raw content in its own Content-Type (any `Accept` but FHIR JSON), or the Binary
    /// resource with base64 `data` when FHIR JSON is asked for and the document is small enough. Readable by
    /// those who may read its DocumentReference; 404 otherwise, exactly like an absent Binary.
    func retrieveDocument(_ request: FHIRRequest, id: String) async throws -> FHIRResponse {
        let access = request.access
        try requireScope(.read, "Binary", access)
        guard let current = try await store.read(type: "Binary", id: id) else { throw FHIRError(.notFound, "Binary/\(id) is not known") }
        let document = try await binaryDocument(current)
        guard try await mayReadVersion(current, access: access, isCurrent: true) else {
            access.trail.attempted(document?.patientKey ?? "")
            throw FHIRError(.notFound, "Binary/\(id) is not known")
        }
        access.trail.touch(current)
        if let document { access.trail.concerns(document.patientKey) }
        if current.isDeleted { return deletedResponse(current, request: request) }
        guard case .object(let binary) = try JSON.parse(current.content) else { throw FHIRError(.internal, "stored Binary is not an object") }
        let contentType = binary["contentType"]?.stringValue ?? "application/octet-stream"
        let content = BinaryContent.content(of: .object(binary))
        if Self.wantsFHIR(request, contentType: contentType) {
            return try await fhirBinary(binary, content: content, current, request: request)
        }
        guard let content else {
            // A Binary stored with inline data (before the content store): its bytes as they are.
            let bytes = binary["data"]?.stringValue.flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) } ?? []
            return FHIRResponse(status: 200, headers: [("Content-Type", contentType)] + versionHeaders(current), body: bytes)
        }
        let etag = "\"\(content.sha256)\""
        var headers: [(name: String, value: String)] = [
            ("Content-Type", contentType), ("ETag", etag), ("Last-Modified", HTTPDate.format(current.lastUpdated)),
            ("Accept-Ranges", "bytes"),
        ]
        if let inm = request.header("if-none-match"), inm.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag || $0.trimmingCharacters(in: .whitespaces) == "*" }) {
            return FHIRResponse(status: 304, headers: headers)
        }
        var range = ByteRange.parse(request.header("range"), size: content.size)
        if let ifRange = request.header("if-range"), ifRange.trimmingCharacters(in: .whitespaces) != etag { range = .whole }
        var response: FHIRResponse
        switch range {
        case .whole:
            response = FHIRResponse(status: 200, headers: headers)
            response.content = ContentSlice(sha256: content.sha256, offset: 0, length: content.size)
        case .partial(let part):
            headers.append(("Content-Range", part.contentRange(size: content.size)))
            response = FHIRResponse(status: 206, headers: headers)
            response.content = ContentSlice(sha256: content.sha256, offset: part.first, length: part.length)
        case .unsatisfiable:
            headers.append(("Content-Range", "bytes */\(content.size)"))
            return FHIRResponse(status: 416, headers: headers)
        }
        if request.method == .head {
            response.headers.append(("Content-Length", String(response.content?.length ?? 0)))
            response.content = nil
        }
        return response
    }

    /// The Binary as FHIR JSON with base64 `data`; 406 for documents above ``ServerConfiguration/maxInlineDocumentBytes``.
    private func fhirBinary(_ binary: JSONObject, content: StoredContent?, _ current: StoredResource, request: FHIRRequest) async throws -> FHIRResponse {
        guard let content else { return resourceResponse(status: 200, current, request: request) }
        let limit = configuration.maxInlineDocumentBytes
        guard content.size <= limit else {
            throw FHIRError(.notAcceptable, "Binary/\(current.id) holds \(content.size) bytes, more than the \(limit) bytes this server returns as base64 in FHIR JSON; ask for the raw content instead (Accept: \(binary["contentType"]?.stringValue ?? "*/*") or */*), which also serves Range requests", issueType: "too-costly")
        }
        let bytes: [UInt8]
        do { bytes = try await contentStore.bytes(content.sha256) } catch {
            logger.error("content store: \(error)")
            throw FHIRError(.unavailable, "The document content cannot be read now; try again shortly")
        }
        var object = binary
        let extensions = (binary["extension"]?.arrayValue ?? []).filter { $0["url"]?.stringValue != BinaryContent.extensionURL }
        object["extension"] = extensions.isEmpty ? nil : .array(extensions)
        object["data"] = .string(Data(bytes).base64EncodedString())
        let body = JSON.object(object).serialized(pretty: request.queryValue("_pretty") == "true")
        return FHIRResponse(status: 200, headers: [("Content-Type", FHIRMediaType.fhirJSON)] + versionHeaders(current), body: body)
    }

    /// Whether a retrieve asks for the FHIR Binary resource rather than the raw content: `_format=json`, or an
    /// `Accept` naming FHIR JSON (plain `application/json` counts when the document itself is not JSON).
    static func wantsFHIR(_ request: FHIRRequest, contentType: String) -> Bool {
        if let format = request.queryValue("_format")?.lowercased() { return format.contains("json") }
        guard let accept = request.header("accept")?.lowercased() else { return false }
        if accept.contains("application/fhir+json") || accept.contains("application/json+fhir") { return true }
        return accept.contains("application/json") && !contentType.lowercased().contains("json")
    }

    // MARK: raw upload

    /// `POST Binary` / `PUT Binary/id` with the document as the body: the right to write is decided first (from
    /// `X-Security-Context`, or the current version's), then the body is streamed to the content store (hashed,
    /// at most ``ServerConfiguration/maxDocumentBytes``), then the Binary pointing at it is written, with the
    /// document rules, in one transaction. A refused or failed upload leaves no content behind.
    func uploadDocument(_ request: FHIRRequest, id: String?, source: any ContentSource) async throws -> FHIRResponse {
        let access = request.access
        try requireScope(id == nil ? .create : .update, "Binary", access)
        let binaryID = id ?? Self.newID()
        var resource: JSONObject = ["resourceType": "Binary", "contentType": .string(request.header("content-type") ?? "application/octet-stream")]
        if let context = request.header("x-security-context")?.trimmingCharacters(in: .whitespaces) {
            guard DocumentReferenceFacts.localID(context, type: "DocumentReference", baseURL: configuration.baseURL) != nil
                    || DocumentReferenceFacts.localID(context, type: "Patient", baseURL: configuration.baseURL) != nil else {
                throw FHIRError(.invalid, "X-Security-Context must name a DocumentReference or a Patient (DocumentReference/ID), got '\(context)'", issueType: "value")
            }
            resource["securityContext"] = ["reference": .string(context)]
        } else if let id, let current = try await store.read(type: "Binary", id: id), !current.isDeleted,
                  let context = BinaryContent.securityContext(of: try JSON.parse(current.content)) {
            resource["securityContext"] = ["reference": .string(context)]  // a new version of the same document's content
        }
        let ifMatch = try ifMatchVersion(request)
        // The right to write, before a byte of content is accepted.
        let candidate = resource
        try await store.write { tx in
            try self.authorizeWrite(tx, access, type: "Binary", id: binaryID, resource: candidate, current: try tx.read(type: "Binary", id: binaryID))
        }
        let limit = configuration.maxDocumentBytes
        if let declared = request.header("content-length").flatMap({ Int64($0.trimmingCharacters(in: .whitespaces)) }), declared > limit {
            throw FHIRError(.payloadTooLarge, "The document (\(declared) bytes) exceeds the limit of \(limit) bytes")
        }
        let stored: StoredContent
        do {
            let upload = try contentStore.beginUpload(limit: limit)
            do {
                try await upload.write(from: source)
            } catch {
                upload.abort()
                throw error
            }
            stored = try contentStore.commit(upload)
        } catch ContentError.tooLarge(let limit) {
            throw FHIRError(.payloadTooLarge, "The document exceeds the limit of \(limit) bytes")
        } catch let error as ContentError {
            logger.error("content store: \(error)")
            throw FHIRError(.unavailable, "The document content could not be stored; nothing was written. Try again shortly.")
        } catch {
            throw FHIRError(.invalid, "The document body could not be read to its end: \(error)")
        }
        access.contents.add(stored)
        let binary = BinaryContent.pointing(resource, at: stored)
        let outcome = try await writeWithDocumentRules(access) { tx in
            if let id { return try self.updateInTransaction(tx, access, type: "Binary", id: id, resource: binary, ifMatch: ifMatch) }
            return try self.createInTransaction(tx, access, type: "Binary", id: binaryID, resource: binary, ifNoneExist: nil)
        }
        if let written = outcome.written, let document = try await binaryDocument(written) { access.trail.concerns(document.patientKey) }
        if let patient = BinaryContent.securityContext(of: .object(binary)).flatMap({ DocumentReferenceFacts.localID($0, type: "Patient", baseURL: configuration.baseURL) }) {
            access.trail.concerns(patient)
        }
        return writeResponse(outcome, request: request)
    }
}
