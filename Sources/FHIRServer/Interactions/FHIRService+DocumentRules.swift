import Access
import Documents
import FHIRCore
import Foundation
import Store

/// The document rules every write goes through (IHE MHD, DOMAIN.md "Documents"), beside the resource rules:
/// a Binary's inline `data` goes to the content store; an ITI-65 Bundle is checked as a whole; and, inside the
/// store transaction, after every resource of the write is in place: each DocumentReference's attachments match
/// the content they name (`hash`, `size`), its Binaries are linked to it (`securityContext`), and the documents it
/// `replaces` become `superseded`, all in the same transaction.
extension FHIRService {
    /// A Binary's inline base64 `data` stored in the content store, the resource pointing at it instead
    /// (``Documents/BinaryContent``). Other resources are returned unchanged. The content is kept only if the
    /// request succeeds (``PendingContents``).
    func storingInlineContent(_ resource: JSONObject, _ access: RequestAccess) throws(FHIRError) -> JSONObject {
        guard resource["resourceType"]?.stringValue == "Binary", let data = resource["data"]?.stringValue else { return resource }
        guard let bytes = Data(base64Encoded: data, options: .ignoreUnknownCharacters) else {
            throw FHIRError(.invalid, "Binary.data is not valid base64", issueType: "value", expression: ["Binary.data"])
        }
        do {
            let stored = try contentStore.store([UInt8](bytes))
            access.contents.add(stored)
            return BinaryContent.pointing(resource, at: stored)
        } catch {
            logger.error("content store: \(error)")
            throw FHIRError(.unavailable, "The document content could not be stored; nothing was written. Try again shortly.")
        }
    }

    /// 422 when a transaction Bundle is an ITI-65 submission that breaks the MHD rules
    /// (``Documents/MHDSubmission``).
    func checkDocumentSubmission(_ bundle: JSON) throws(FHIRError) {
        guard MHDSubmission.isSubmission(bundle) else { return }
        let issues = MHDSubmission.issues(bundle)
        if !issues.isEmpty { throw FHIRError(.unprocessable, issues: issues) }
    }

    /// A single write's store transaction followed by the document rules; the extra versions they write
    /// (superseded documents, linked Binaries) are audited and announced with it.
    func writeWithDocumentRules(_ access: RequestAccess, _ body: @escaping @Sendable (any StoreTransaction) throws -> WriteOutcome) async throws -> WriteOutcome {
        let (outcome, extra) = try await store.write { tx -> (WriteOutcome, [StoredResource]) in
            let outcome = try body(tx)
            return (outcome, try self.applyDocumentRules(tx, access, written: outcome.written.map { [$0] } ?? []))
        }
        if !extra.isEmpty {
            didWrite(extra)
            access.trail.touch(extra)
        }
        return outcome
    }

    /// For a transaction: which Binary each DocumentReference's attachments name (`Binary/id` -> `DocumentReference/id`),
    /// after `urn:uuid:` full URLs are resolved.
    func documentOwners(_ documents: [(id: String, resource: JSONObject)], _ resolve: (String) throws -> String?) throws -> [String: String] {
        var owners: [String: String] = [:]
        for (id, resource) in documents {
            for attachment in DocumentReferenceFacts(.object(resource)).attachments {
                guard let url = attachment.url else { continue }
                let target = url.hasPrefix("urn:") ? (try resolve(url) ?? url) : url
                if let binaryID = DocumentReferenceFacts.localID(target, type: "Binary", baseURL: configuration.baseURL) {
                    owners["Binary/\(binaryID)"] = "DocumentReference/\(id)"
                }
            }
        }
        return owners
    }

    /// A transaction's Binary with the `securityContext` of the DocumentReference naming it, unless it has one.
    static func owned(_ resource: JSONObject, type: String, id: String, _ owners: [String: String]) -> JSONObject {
        guard type == "Binary", resource["securityContext"] == nil, let owner = owners["Binary/\(id)"] else { return resource }
        return BinaryContent.withSecurityContext(resource, owner)
    }

    /// The rules across the resources a write put (inside its store transaction); returns the extra versions
    /// written. Errors name the element (`DocumentReference.content[0].attachment.hash`).
    func applyDocumentRules(_ tx: any StoreTransaction, _ access: RequestAccess, written: [StoredResource]) throws -> [StoredResource] {
        var extra: [StoredResource] = []
        for stored in written where !stored.isDeleted {
            switch stored.type {
            case "DocumentReference": extra += try documentReferenceRules(tx, access, stored)
            case "Binary": try binaryRules(tx, stored)
            default: break
            }
        }
        return extra
    }

    private func documentReferenceRules(_ tx: any StoreTransaction, _ access: RequestAccess, _ doc: StoredResource) throws -> [StoredResource] {
        let base = configuration.baseURL
        let facts = DocumentReferenceFacts(try JSON.parse(doc.content))
        let own = "DocumentReference/\(doc.id)"
        var extra: [StoredResource] = []
        for attachment in facts.attachments {
            guard let url = attachment.url, let binaryID = DocumentReferenceFacts.localID(url, type: "Binary", baseURL: base) else { continue }
            let at = "DocumentReference.content[\(attachment.index)].attachment"
            let notKnown = FHIRError(.unprocessable, "Binary/\(binaryID) is not known (or is the content of another document)", issueType: "not-found", expression: ["\(at).url"])
            guard let binary = try tx.read(type: "Binary", id: binaryID), !binary.isDeleted,
                  case .object(let object) = try JSON.parse(binary.content) else { throw notKnown }
            let context = BinaryContent.securityContext(of: .object(object))
            let contextDocument = context.flatMap { DocumentReferenceFacts.localID($0, type: "DocumentReference", baseURL: base) }
            let contextPatient = context.flatMap { DocumentReferenceFacts.localID($0, type: "Patient", baseURL: base) }
            let link: Bool
            if contextDocument == doc.id {
                link = false
            } else if contextDocument == nil, let contextPatient, contextPatient == doc.patientKey {
                link = true  // uploaded for this patient, now filed in this document
            } else if context == nil, access.isUnrestricted {
                link = true
            } else {
                throw notKnown
            }
            if let content = BinaryContent.content(of: .object(object)) {
                try Self.check(attachment, against: content, at: at)
            }
            if link {
                extra.append(try writer.put(tx, type: "Binary", id: binaryID, resource: BinaryContent.withSecurityContext(object, own),
                                            method: .update, current: binary))
            }
        }
        for (index, target) in facts.replaces {
            let at = "DocumentReference.relatesTo[\(index)].target"
            guard let targetID = DocumentReferenceFacts.localID(target, type: "DocumentReference", baseURL: base), targetID != doc.id,
                  let old = try tx.read(type: "DocumentReference", id: targetID), !old.isDeleted,
                  try mayRead(old, in: tx, access: access),
                  case .object(var replaced) = try JSON.parse(old.content) else {
                throw FHIRError(.unprocessable, "The replaced document \(target) is not known", issueType: "not-found", expression: [at])
            }
            guard old.patientKey == doc.patientKey else {
                throw FHIRError(.unprocessable, "\(target) is another patient's document; a document replaces one of the same patient", issueType: "business-rule", expression: [at])
            }
            guard replaced["status"]?.stringValue != "superseded" else { continue }
            replaced["status"] = "superseded"
            try authorizeWrite(tx, access, type: "DocumentReference", id: targetID, resource: replaced, current: old)
            extra.append(try writer.put(tx, type: "DocumentReference", id: targetID, resource: replaced, method: .update, current: old))
        }
        return extra
    }

    /// A Binary linked to a DocumentReference: that document exists, and its attachments naming this Binary match it.
    private func binaryRules(_ tx: any StoreTransaction, _ binary: StoredResource) throws {
        let json = try JSON.parse(binary.content)
        guard let context = BinaryContent.securityContext(of: json),
              let docID = DocumentReferenceFacts.localID(context, type: "DocumentReference", baseURL: configuration.baseURL) else { return }
        guard let doc = try tx.read(type: "DocumentReference", id: docID), !doc.isDeleted else {
            throw FHIRError(.unprocessable, "Binary.securityContext names \(context), which is not known", issueType: "not-found", expression: ["Binary.securityContext"])
        }
        guard let content = BinaryContent.content(of: json) else { return }
        for attachment in DocumentReferenceFacts(try JSON.parse(doc.content)).attachments {
            guard let url = attachment.url, DocumentReferenceFacts.localID(url, type: "Binary", baseURL: configuration.baseURL) == binary.id else { continue }
            try Self.check(attachment, against: content, at: "DocumentReference.content[\(attachment.index)].attachment")
        }
    }

    /// 422 when an attachment's `hash` (base64 SHA-1) or `size` differs from the content. The message does not
    /// give the content's own hash or size.
    static func check(_ attachment: DocumentReferenceFacts.Attachment, against content: StoredContent, at: String) throws(FHIRError) {
        if let hash = attachment.hash, hash != content.sha1Base64 {
            throw FHIRError(.unprocessable, "attachment.hash \(hash) is not the SHA-1 of the document's content", issueType: "business-rule", expression: ["\(at).hash"])
        }
        if let size = attachment.size, size != content.size {
            throw FHIRError(.unprocessable, "attachment.size \(size) is not the size of the document's content", issueType: "business-rule", expression: ["\(at).size"])
        }
    }
}
