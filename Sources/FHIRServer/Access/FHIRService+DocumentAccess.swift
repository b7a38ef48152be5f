import Access
import Documents
import FHIRCore
import Foundation
import Store

/// The access rules of a document's content (DOMAIN.md "Documents", RULES-API.md "Document visibility"): a `Binary`
/// follows the DocumentReference its `securityContext` names. It is read by exactly those who may read that
/// DocumentReference (same labels, same matrix; 404 otherwise) and written by those who may write it. Before a
/// DocumentReference links it, a Binary whose `securityContext` names a Patient is written by those who may add
/// documents to that record and read by the operator only; a Binary with no `securityContext` is the operator's
/// only. Searches of `Binary` stay the operator's (``Access/AccessFilter/administratorOnlyTypes``).
extension FHIRService {
    /// The current DocumentReference a Binary's `securityContext` names; nil when it names none, or a deleted one.
    func binaryDocument(_ binary: StoredResource) async throws -> StoredResource? {
        guard let id = Self.documentID(ofBinary: binary, baseURL: configuration.baseURL),
              let doc = try await store.read(type: "DocumentReference", id: id), !doc.isDeleted else { return nil }
        return doc
    }

    /// ``binaryDocument(_:)`` as a write transaction sees it.
    func binaryDocument(_ binary: StoredResource, in tx: any StoreTransaction) throws -> StoredResource? {
        guard let id = Self.documentID(ofBinary: binary, baseURL: configuration.baseURL),
              let doc = try tx.read(type: "DocumentReference", id: id), !doc.isDeleted else { return nil }
        return doc
    }

    /// Whether a (non-operator) actor may read a Binary version: they may read its DocumentReference.
    func mayReadBinary(_ binary: StoredResource, access: RequestAccess) async throws -> Bool {
        guard let doc = try await binaryDocument(binary) else { return false }
        return try await mayRead(doc, access: access)
    }

    /// ``mayReadBinary(_:access:)`` inside a write transaction.
    func mayReadBinary(_ binary: StoredResource, in tx: any StoreTransaction, access: RequestAccess) throws -> Bool {
        guard let doc = try binaryDocument(binary, in: tx) else { return false }
        return try mayRead(doc, in: tx, access: access)
    }

    /// Throws unless a non-operator actor may write this Binary: the right to write the document its current
    /// version belongs to (changing or deleting content), and the right to write the document (or add documents to
    /// the patient's record) its new version names.
    func authorizeBinaryWrite(_ tx: any StoreTransaction, _ access: RequestAccess, _ actor: AccessActor,
                              resource: JSONObject?, current: StoredResource?) throws {
        if let current, !current.isDeleted {
            try requireDocumentWrite(tx, access, actor, context: BinaryContent.securityContext(of: try JSON.parse(current.content)), pendingAllowed: false)
        }
        if let resource {
            try requireDocumentWrite(tx, access, actor, context: BinaryContent.securityContext(of: .object(resource)), pendingAllowed: true)
        }
    }

    /// Throws unless `actor` may write the document named by a `securityContext`. `pendingAllowed`: a
    /// DocumentReference not written yet is accepted (it is being created in the same transaction; the document
    /// rules check at the end that it exists, and its own creation was decided).
    private func requireDocumentWrite(_ tx: any StoreTransaction, _ access: RequestAccess, _ actor: AccessActor,
                                      context: String?, pendingAllowed: Bool) throws {
        let base = configuration.baseURL
        if let context, let docID = DocumentReferenceFacts.localID(context, type: "DocumentReference", baseURL: base) {
            // Filed with its document in one transaction: the document's own write is decided, and covers it.
            if pendingAllowed, access.contents.writesDocument("DocumentReference/\(docID)") { return }
            guard let doc = try tx.read(type: "DocumentReference", id: docID), !doc.isDeleted else {
                if pendingAllowed { return }
                throw FHIRError(.notFound, "DocumentReference/\(docID) is not known", expression: ["Binary.securityContext"])
            }
            let decision = decide(actor, .update, try patientContext(tx, doc.patientKey), .extract(from: try JSON.parse(doc.content)), at: access.now)
            guard decision.isPermitted else {
                access.trail.attempted(doc.patientKey)
                throw Self.denial(decision, type: "DocumentReference", id: docID)
            }
            return
        }
        if let context, let patientID = DocumentReferenceFacts.localID(context, type: "Patient", baseURL: base) {
            var metadata = ResourceAccessMetadata(resourceType: "DocumentReference")
            switch actor {
            case .patient, .representative: metadata.addedByPatient = true
            default: break
            }
            let decision = decide(actor, .create, try patientContext(tx, patientID), metadata, at: access.now)
            guard decision.isPermitted else {
                access.trail.attempted(patientID)
                guard case .deny(_, let reason) = decision else { throw Self.denial(decision, type: "Patient", id: patientID) }
                throw FHIRError(.forbidden, Self.explanation(reason), issueType: "forbidden")
            }
            return
        }
        throw FHIRError(.forbidden, "A document's content is written with its document: Binary.securityContext (or the X-Security-Context header of a raw upload) must name its DocumentReference, or the Patient it is for", issueType: "forbidden", expression: ["Binary.securityContext"])
    }

    /// The DocumentReference id a stored Binary's `securityContext` names.
    static func documentID(ofBinary binary: StoredResource, baseURL: String) -> String? {
        guard !binary.isDeleted, let json = try? JSON.parse(binary.content),
              let context = BinaryContent.securityContext(of: json) else { return nil }
        return DocumentReferenceFacts.localID(context, type: "DocumentReference", baseURL: baseURL)
    }
}
