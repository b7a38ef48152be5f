import Access
import FHIRCore
import Foundation
import Store

/// The write interactions, each in two halves: the HTTP-free request handling here, and the part that runs inside
/// a store transaction (`…InTransaction`), shared with transaction Bundles so every rule is written once.
extension FHIRService {
    // MARK: create

    /// `POST [base]/Type` (with optional `If-None-Exist`).
    func create(_ request: FHIRRequest, type: String) async throws -> FHIRResponse {
        try requireScope(.create, type, request.access)
        let resource = Self.markingPatientAdded(try parseResource(request, expectedType: type), request.access)
        let filter = try await accessFilter(request.access)
        let condition = try request.header("if-none-exist").map { h throws(FHIRError) in
            Self.restricted(try ConditionalQuery.parse(type: type, query: h), filter)
        }
        let id = Self.newID()
        let index = writer.allEntries(resource, type: type)
        let access = request.access
        let outcome = try await writeWithDocumentRules(access) { tx in
            try self.createInTransaction(tx, access, type: type, id: id, resource: resource, ifNoneExist: condition, index: index)
        }
        return writeResponse(outcome, request: request)
    }

    func createInTransaction(_ tx: any StoreTransaction, _ access: RequestAccess, type: String, id: String, resource: JSONObject,
                             ifNoneExist: SearchQuery?, index: [IndexEntry]? = nil, precomputed: [IndexEntry]? = nil,
                             prepared: ResourceWriter.PreparedVersion? = nil) throws -> WriteOutcome {
        if let ifNoneExist {
            let matches = try tx.search(ifNoneExist)
            if matches.count > 1 {
                throw FHIRError(.preconditionFailed, "If-None-Exist matched \(matches.count) \(type) resources; it must match at most one", issueType: "multiple-matches")
            }
            if let match = matches.first { return .existing(match) }
        }
        try authorizeWrite(tx, access, type: type, id: id, resource: resource, current: nil)
        let stored = try writer.put(tx, type: type, id: id, resource: resource, method: .create, current: nil, precomputed: precomputed, index: index, prepared: prepared)
        try notifyAfterWrite(tx, stored, previous: nil, now: access.now)
        return .created(stored)
    }

    // MARK: update

    /// `PUT [base]/Type/id` (update, or create with a client id; `If-Match` for optimistic locking).
    func update(_ request: FHIRRequest, type: String, id: String) async throws -> FHIRResponse {
        let resource = try parseResource(request, expectedType: type)
        guard let bodyID = resource["id"]?.stringValue else {
            throw FHIRError(.invalid, "The resource has no id; an update must carry the id of its URL (\(id))", issueType: "required", expression: ["\(type).id"])
        }
        guard bodyID == id else {
            throw FHIRError(.invalid, "The resource id '\(bodyID)' does not match the URL id '\(id)'", issueType: "invalid", expression: ["\(type).id"])
        }
        try requireScope(.update, type, request.access)
        let ifMatch = try ifMatchVersion(request)
        let index = writer.allEntries(resource, type: type)
        let access = request.access
        let outcome = try await writeWithDocumentRules(access) { tx in
            try self.updateInTransaction(tx, access, type: type, id: id, resource: resource, ifMatch: ifMatch, index: index)
        }
        return writeResponse(outcome, request: request)
    }

    func updateInTransaction(_ tx: any StoreTransaction, _ access: RequestAccess, type: String, id: String, resource: JSONObject,
                             ifMatch: Int?, precomputed: [IndexEntry]? = nil, index: [IndexEntry]? = nil,
                             prepared: ResourceWriter.PreparedVersion? = nil) throws -> WriteOutcome {
        let current = try tx.read(type: type, id: id)
        try authorizeWrite(tx, access, type: type, id: id, resource: resource, current: current)
        try checkIfMatch(ifMatch, current: current, type: type, id: id)
        let stored = try writer.put(tx, type: type, id: id, resource: resource, method: .update, current: current, precomputed: precomputed, index: index, prepared: prepared)
        try notifyAfterWrite(tx, stored, previous: current, now: access.now)
        return (current == nil || current!.isDeleted) ? .created(stored) : .updated(stored)
    }

    /// `PUT [base]/Type?criteria`.
    func conditionalUpdate(_ request: FHIRRequest, type: String) async throws -> FHIRResponse {
        try requireScope(.update, type, request.access)
        let query = Self.restricted(try ConditionalQuery.parse(type: type, items: request.query), try await accessFilter(request.access))
        let checked = try await checkedIfSubscription(try parseResource(request, expectedType: type), type: type, access: request.access)
        let resource = type == "Subscription" ? try await owned(checked, access: request.access, id: nil, conditional: true) : checked
        let ifMatch = try ifMatchVersion(request)
        let newID = Self.newID()
        let access = request.access
        let outcome = try await writeWithDocumentRules(access) { tx in
            try self.conditionalUpdateInTransaction(tx, access, type: type, query: query, resource: resource, ifMatch: ifMatch, newID: newID)
        }
        return writeResponse(outcome, request: request)
    }

    func conditionalUpdateInTransaction(_ tx: any StoreTransaction, _ access: RequestAccess, type: String, query: SearchQuery, resource: JSONObject,
                                        ifMatch: Int?, newID: String) throws -> WriteOutcome {
        let matches = try tx.search(query)
        let bodyID = resource["id"]?.stringValue
        switch matches.count {
        case 0:
            // No match: create, with the body's id if it has one (update-as-create), else a new id.
            return try updateInTransaction(tx, access, type: type, id: bodyID ?? newID, resource: resource, ifMatch: ifMatch)
        case 1:
            let match = matches[0]
            if let bodyID, bodyID != match.id {
                throw FHIRError(.invalid, "The resource id '\(bodyID)' differs from the id of the resource matched by the condition ('\(match.id)')", issueType: "invalid", expression: ["\(type).id"])
            }
            return try updateInTransaction(tx, access, type: type, id: match.id, resource: resource, ifMatch: ifMatch)
        default:
            throw FHIRError(.preconditionFailed, "The condition matched \(matches.count) \(type) resources; a conditional update must match at most one", issueType: "multiple-matches")
        }
    }

    // MARK: delete

    /// `DELETE [base]/Type/id`: writes a deletion version; deleting an absent or deleted resource succeeds (204).
    func delete(_ request: FHIRRequest, type: String, id: String) async throws -> FHIRResponse {
        try requireScope(.delete, type, request.access)
        let ifMatch = try ifMatchVersion(request)
        let access = request.access
        let outcome = try await writeWithDocumentRules(access) { tx in
            try self.deleteInTransaction(tx, access, type: type, id: id, ifMatch: ifMatch)
        }
        return writeResponse(outcome, request: request)
    }

    func deleteInTransaction(_ tx: any StoreTransaction, _ access: RequestAccess, type: String, id: String, ifMatch: Int?) throws -> WriteOutcome {
        let current = try tx.read(type: type, id: id)
        try authorizeWrite(tx, access, type: type, id: id, resource: nil, current: current)
        try checkIfMatch(ifMatch, current: current, type: type, id: id)
        guard let current, !current.isDeleted else { return .nothingToDelete }
        return .deleted(try writer.delete(tx, current: current))
    }

    /// `DELETE [base]/Type?criteria`: deletes the one match; several matches are a 412.
    func conditionalDelete(_ request: FHIRRequest, type: String) async throws -> FHIRResponse {
        try requireScope(.delete, type, request.access)
        let query = Self.restricted(try ConditionalQuery.parse(type: type, items: request.query), try await accessFilter(request.access))
        let access = request.access
        let outcome = try await writeWithDocumentRules(access) { tx in
            try self.conditionalDeleteInTransaction(tx, access, type: type, query: query)
        }
        return writeResponse(outcome, request: request)
    }

    func conditionalDeleteInTransaction(_ tx: any StoreTransaction, _ access: RequestAccess, type: String, query: SearchQuery) throws -> WriteOutcome {
        let matches = try tx.search(query)
        guard matches.count <= 1 else {
            throw FHIRError(.preconditionFailed, "The condition matched \(matches.count) \(type) resources; a conditional delete must match at most one", issueType: "multiple-matches")
        }
        guard let match = matches.first else { return .nothingToDelete }
        try authorizeWrite(tx, access, type: type, id: match.id, resource: nil, current: match)
        return .deleted(try writer.delete(tx, current: match))
    }

    // MARK: patch

    /// `PATCH [base]/Type/id` or `PATCH [base]/Type?criteria` with a JSON Patch document.
    func patch(_ request: FHIRRequest, type: String, id: String?) async throws -> FHIRResponse {
        let contentType = request.header("content-type")?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json-patch+json") else {
            throw FHIRError(.unsupportedMediaType, "PATCH needs a JSON Patch body (Content-Type: application/json-patch+json); FHIRPath Patch is not supported yet")
        }
        let document = try parseBody(request.body)
        let patch = try JSONPatch(document)
        try requireScope(.update, type, request.access)
        let ifMatch = try ifMatchVersion(request)
        let filter = try await accessFilter(request.access)
        let query = try id == nil ? Self.restricted(ConditionalQuery.parse(type: type, items: request.query), filter) : nil
        let access = request.access
        if let id { try await requireVisibleIfDeleted(type: type, id: id, access: access) }
        let checked = try await checkedPatchTarget(type: type, id: id, query: query, patch: patch, access: access)
        let outcome = try await writeWithDocumentRules(access) { tx in
            try self.patchInTransaction(tx, access, type: type, id: id, query: query, patch: patch, ifMatch: ifMatch, checked: checked)
        }
        return writeResponse(outcome, request: request)
    }

    /// `checked`: for a Subscription, the version its patched form was checked on (``checkedPatchTarget(type:id:query:patch:access:)``).
    func patchInTransaction(_ tx: any StoreTransaction, _ access: RequestAccess, type: String, id: String?, query: SearchQuery?, patch: JSONPatch,
                            ifMatch: Int?, checked: StoredResource?) throws -> WriteOutcome {
        let current: StoredResource
        if let id {
            guard let found = try tx.read(type: type, id: id) else { throw FHIRError(.notFound, "\(type)/\(id) is not known") }
            guard !found.isDeleted else {
                try authorizeWrite(tx, access, type: type, id: id, resource: nil, current: found)
                throw FHIRError(.gone, "\(type)/\(id) was deleted")
            }
            current = found
        } else {
            let matches = try tx.search(query!)
            guard matches.count == 1 else {
                throw matches.isEmpty
                    ? FHIRError(.notFound, "The condition matched no \(type)")
                    : FHIRError(.preconditionFailed, "The condition matched \(matches.count) \(type) resources; a conditional patch must match exactly one", issueType: "multiple-matches")
            }
            current = matches[0]
        }
        try checkIfMatch(ifMatch, current: current, type: type, id: current.id)
        let patched = try patch.apply(to: JSON.parse(current.content))
        guard patched["resourceType"]?.stringValue == type, patched["id"]?.stringValue == current.id else {
            throw FHIRError(.unprocessable, "A patch may not change the resourceType or id", issueType: "processing")
        }
        var object = try validateResource(patched, expectedType: type, expression: nil)
        try authorizeWrite(tx, access, type: type, id: current.id, resource: object, current: current)
        // After the authorisation: someone else's Subscription is "not known", whatever the patch would make of it.
        if try requireChecked(checked, current: current, type: type) { object = Self.activating(object) }
        return .updated(try writer.put(tx, type: type, id: current.id, resource: object, method: .patch, current: current))
    }

    // MARK: shared

    /// 404 when `type/id` is deleted and the actor could not read the version it deleted: "410 Gone" would tell them
    /// that a resource they may not see existed. Checked before the write's transaction, which cannot read old
    /// versions; the transaction still answers 410 to those who could.
    func requireVisibleIfDeleted(type: String, id: String, access: RequestAccess) async throws {
        guard let current = try await store.read(type: type, id: id), current.isDeleted else { return }
        guard try await mayReadVersion(current, access: access, isCurrent: true) else {
            access.trail.attempted(current.patientKey)
            throw FHIRError(.notFound, "\(type)/\(id) is not known")
        }
    }

    /// A conditional operation's query, limited to what the actor may see: a condition never matches (and so never
    /// reveals) a resource the actor may not read.
    static func restricted(_ query: SearchQuery, _ filter: AccessFilter?) -> SearchQuery {
        guard let filter else { return query }
        var q = query
        let restricted = filter.restrictingChains(q.condition)
        q.condition = filter.condition(types: q.type.map { [$0] }).map { .all([restricted, $0]) } ?? restricted
        return q
    }

    /// The version named by `If-Match`, 400 when malformed.
    func ifMatchVersion(_ request: FHIRRequest) throws(FHIRError) -> Int? {
        guard let header = request.header("if-match") else { return nil }
        guard let v = ETag.version(from: header) else {
            throw FHIRError(.invalid, "If-Match '\(header)' is not a version ETag such as W/\"3\"", issueType: "value")
        }
        return v
    }

    /// 412 when `If-Match` names another version than the current one.
    func checkIfMatch(_ ifMatch: Int?, current: StoredResource?, type: String, id: String) throws(FHIRError) {
        guard let ifMatch else { return }
        guard let current, !current.isDeleted else {
            throw FHIRError(.preconditionFailed, "If-Match W/\"\(ifMatch)\" given but \(type)/\(id) does not exist", issueType: "conflict")
        }
        guard current.version == ifMatch else {
            throw FHIRError(.preconditionFailed, "If-Match W/\"\(ifMatch)\" does not match the current version W/\"\(current.version)\" of \(type)/\(id)", issueType: "conflict")
        }
    }

    /// The HTTP response of a write outcome.
    func writeResponse(_ outcome: WriteOutcome, request: FHIRRequest) -> FHIRResponse {
        if let written = outcome.written { didWrite([written]) }
        if let shown = outcome.written ?? outcome.stored { request.access.trail.touch(shown) }
        switch outcome {
        case .created(let s): return writeResponse(status: 201, s, request: request, location: true)
        case .updated(let s): return writeResponse(status: 200, s, request: request, location: false)
        case .existing(let s): return writeResponse(status: 200, s, request: request, location: true)
        case .deleted(let s): return FHIRResponse(status: 204, headers: [("ETag", ETag.make(s.version))])
        case .nothingToDelete: return FHIRResponse(status: 204)
        }
    }
}
