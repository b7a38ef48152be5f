import Access
import FHIRCore
import Foundation
import Store

extension FHIRService {
    /// `POST [base]` with a `batch` or `transaction` Bundle.
    ///
    /// A transaction is all-or-nothing: every entry is checked before the store transaction starts, then, inside one
    /// store transaction and in FHIR's order (DELETE, POST, PUT/PATCH; GET after the commit), conditional creates
    /// and updates are resolved, `urn:uuid:` full URLs and conditional references (`Type?criteria`) are rewritten to
    /// the resources' ids, and the versions are written. A batch runs each entry as its own interaction.
    func bundle(_ request: FHIRRequest) async throws -> FHIRResponse {
        try FHIRMediaType.checkResourceBody(request)
        let json = try parseBody(request.body)
        guard case .object(let bundle) = json, bundle["resourceType"]?.stringValue == "Bundle" else {
            throw FHIRError(.invalid, "POST to the base needs a Bundle of type batch or transaction", issueType: "structure")
        }
        let kind = bundle["type"]?.stringValue
        guard kind == "batch" || kind == "transaction" else {
            throw FHIRError(.invalid, "Bundle.type must be batch or transaction to be processed (got \(kind.map { "'\($0)'" } ?? "none"))", issueType: "value", expression: ["Bundle.type"])
        }
        let rawEntries: [JSON]
        switch bundle["entry"] {
        case nil: rawEntries = []
        case .array(let a)?: rawEntries = a
        default: throw FHIRError(.invalid, "Bundle.entry must be an array", issueType: "structure", expression: ["Bundle.entry"])
        }
        guard rawEntries.count <= configuration.maxBundleEntries else {
            throw FHIRError(.payloadTooLarge, "The Bundle has \(rawEntries.count) entries; the limit is \(configuration.maxBundleEntries)")
        }
        let prefer = Prefer(header: request.header("prefer")).returnPreference
        if let kind { request.access.trail.noteBundle(kind) }
        if kind == "batch" {
            return try await batch(rawEntries, request: request, prefer: prefer)
        }
        try checkDocumentSubmission(json)
        return try await transaction(rawEntries, request: request, prefer: prefer)
    }

    // MARK: batch

    private func batch(_ rawEntries: [JSON], request: FHIRRequest, prefer: Prefer.Return?) async throws -> FHIRResponse {
        var responses: [JSON] = []
        responses.reserveCapacity(rawEntries.count)
        for (i, raw) in rawEntries.enumerated() {
            let response: FHIRResponse
            do {
                let sub = try subrequest(raw, index: i, parent: request)
                response = await handle(sub)
            } catch let error as FHIRError {
                response = errorResponse(error, request: request)
            }
            responses.append(entryResponse(response, prefer: prefer))
        }
        return bundleResponse(type: "batch-response", entries: responses, request: request)
    }

    /// The interaction an entry describes, as a request of its own (for batch entries and transaction reads).
    /// `withBody: false` skips serialising the entry's resource (transactions use the parsed resource directly).
    private func subrequest(_ raw: JSON, index i: Int, parent: FHIRRequest, withBody: Bool = true) throws -> FHIRRequest {
        let at = "Bundle.entry[\(i)]"
        guard case .object(let entry) = raw, case .object(let req)? = entry["request"] else {
            throw FHIRError(.invalid, "Each entry needs a request with method and url", issueType: "required", expression: ["\(at).request"])
        }
        guard let methodText = req["method"]?.stringValue, let method = FHIRRequest.Method(rawValue: methodText) else {
            throw FHIRError(.invalid, "Entry request.method must be GET, HEAD, POST, PUT, PATCH or DELETE", issueType: "value", expression: ["\(at).request.method"])
        }
        guard let url = req["url"]?.stringValue, !url.isEmpty else {
            throw FHIRError(.invalid, "Entry request.url is required", issueType: "required", expression: ["\(at).request.url"])
        }
        let (path, query) = splitURL(url)
        var headers: [String: String] = ["content-type": "application/fhir+json"]
        if let p = parent.header("prefer") { headers["prefer"] = p }
        if let v = req["ifMatch"]?.stringValue { headers["if-match"] = v }
        if let v = req["ifNoneExist"]?.stringValue { headers["if-none-exist"] = v }
        if let v = req["ifNoneMatch"]?.stringValue { headers["if-none-match"] = v }
        if let v = req["ifModifiedSince"]?.stringValue { headers["if-modified-since"] = v }
        var body: [UInt8] = []
        if let resource = entry["resource"], withBody || method == .patch {
            if method == .patch, let patch = try binaryPatch(resource, at: at) {
                body = patch
                headers["content-type"] = "application/json-patch+json"
            } else {
                body = resource.serialized()
            }
        }
        return FHIRRequest(method: method, path: path, query: query, headers: headers, body: body, caller: parent.caller)
    }

    /// A PATCH entry's Binary resource holding a JSON Patch document (base64 `data`).
    private func binaryPatch(_ resource: JSON, at: String) throws(FHIRError) -> [UInt8]? {
        guard resource["resourceType"]?.stringValue == "Binary" else { return nil }
        guard resource["contentType"]?.stringValue?.hasPrefix("application/json-patch+json") == true,
              let data = resource["data"]?.stringValue, let bytes = Data(base64Encoded: data) else {
            throw FHIRError(.invalid, "A PATCH entry needs a Binary with contentType application/json-patch+json and base64 data", issueType: "value", expression: ["\(at).resource"])
        }
        return [UInt8](bytes)
    }

    /// Splits `Patient/1?x=y` (or an absolute URL under our base) into path segments and query items.
    private func splitURL(_ url: String) -> ([String], [FHIRRequest.QueryItem]) {
        var u = url
        if u.hasPrefix(configuration.baseURL) { u.removeFirst(configuration.baseURL.count) }
        while u.hasPrefix("/") { u.removeFirst() }
        let parts = u.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts[0].split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        let query = parts.count > 1 ? QueryString.parse(String(parts[1])) : []
        return (path, query)
    }

    // MARK: transaction

    /// One transaction entry, checked and planned before the store transaction starts.
    private struct Planned: Sendable {
        enum Action: Sendable {
            case create(type: String, id: String, resource: JSONObject, ifNoneExist: SearchQuery?)
            case update(type: String, id: String, resource: JSONObject, ifMatch: Int?)
            case conditionalUpdate(type: String, query: SearchQuery, resource: JSONObject, ifMatch: Int?, newID: String)
            case delete(type: String, id: String, ifMatch: Int?)
            case conditionalDelete(type: String, query: SearchQuery)
            case patch(type: String, id: String?, query: SearchQuery?, patch: JSONPatch, ifMatch: Int?)
            case read(FHIRRequest)
        }
        var index: Int
        var fullUrl: String?
        var action: Action
        /// The token entries of the entry's resource, computed while planning (off the store's writer).
        var precomputed: [IndexEntry]? = nil
        /// The whole version but its number and timestamp, prepared before the store transaction (see
        /// ``PreparedWrites``); used only if the transaction resolves every reference as the preparation did.
        var prepared: ResourceWriter.PreparedVersion? = nil
        /// A PATCH of a Subscription: the version its result was checked on.
        var checked: StoredResource? = nil

        /// FHIR's processing order: DELETE, POST, PUT/PATCH, GET.
        var order: Int {
            switch action {
            case .delete, .conditionalDelete: 0
            case .create: 1
            case .update, .conditionalUpdate, .patch: 2
            case .read: 3
            }
        }
    }

    private func plan(_ raw: JSON, index i: Int, request: FHIRRequest, filter: AccessFilter?) throws -> Planned {
        let at = "Bundle.entry[\(i)]"
        let sub = try subrequest(raw, index: i, parent: request, withBody: false)
        let fullUrl = raw["fullUrl"]?.stringValue
        let p = sub.path
        func parsedResource(_ type: String) throws -> JSONObject {
            guard let resource = raw["resource"] else {
                throw FHIRError(.invalid, "A \(sub.method.rawValue) entry needs a resource", issueType: "required", expression: ["\(at).resource"])
            }
            return try validateResource(resource, expectedType: type, expression: "\(at).resource")
        }
        switch sub.method {
        case .get, .head:
            return Planned(index: i, fullUrl: fullUrl, action: .read(sub))
        case .post:
            guard p.count == 1 else { throw FHIRError(.invalid, "A POST entry's url must be a resource type", issueType: "value", expression: ["\(at).request.url"]) }
            let type = try resourceType(p[0])
            try requireScope(.create, type, request.access)
            let resource = try storingInlineContent(Self.markingPatientAdded(try parsedResource(type), request.access), request.access)
            let condition = try sub.header("if-none-exist").map { h throws(FHIRError) in
                Self.restricted(try ConditionalQuery.parse(type: type, query: h), filter)
            }
            return Planned(index: i, fullUrl: fullUrl, action: .create(type: type, id: Self.newID(), resource: resource, ifNoneExist: condition))
        case .put:
            let type = try resourceType(p.first ?? "")
            try requireScope(.update, type, request.access)
            let resource = try storingInlineContent(try parsedResource(type), request.access)
            let ifMatch = try ifMatchVersion(sub)
            if p.count == 1 {
                let query = Self.restricted(try ConditionalQuery.parse(type: type, items: sub.query), filter)
                return Planned(index: i, fullUrl: fullUrl, action: .conditionalUpdate(type: type, query: query, resource: resource, ifMatch: ifMatch, newID: Self.newID()))
            }
            guard p.count == 2 else { throw FHIRError(.invalid, "A PUT entry's url must be Type/id or Type?criteria", issueType: "value", expression: ["\(at).request.url"]) }
            let id = try resourceID(p[1])
            if let bodyID = resource["id"]?.stringValue, bodyID != id {
                throw FHIRError(.invalid, "The resource id '\(bodyID)' does not match the entry url id '\(id)'", issueType: "invalid", expression: ["\(at).resource.id"])
            }
            return Planned(index: i, fullUrl: fullUrl, action: .update(type: type, id: id, resource: resource, ifMatch: ifMatch))
        case .delete:
            let type = try resourceType(p.first ?? "")
            try requireScope(.delete, type, request.access)
            if p.count == 1 {
                return Planned(index: i, fullUrl: fullUrl, action: .conditionalDelete(type: type, query: Self.restricted(try ConditionalQuery.parse(type: type, items: sub.query), filter)))
            }
            guard p.count == 2 else { throw FHIRError(.invalid, "A DELETE entry's url must be Type/id or Type?criteria", issueType: "value", expression: ["\(at).request.url"]) }
            return Planned(index: i, fullUrl: fullUrl, action: .delete(type: type, id: try resourceID(p[1]), ifMatch: try ifMatchVersion(sub)))
        case .patch:
            let type = try resourceType(p.first ?? "")
            try requireScope(.update, type, request.access)
            guard sub.header("content-type") == "application/json-patch+json" else {
                throw FHIRError(.unsupportedMediaType, "A PATCH entry needs a Binary resource with a JSON Patch document", expression: ["\(at).resource"])
            }
            let patch = try JSONPatch(parseBody(sub.body))
            if p.count == 1 {
                return Planned(index: i, fullUrl: fullUrl, action: .patch(type: type, id: nil, query: Self.restricted(try ConditionalQuery.parse(type: type, items: sub.query), filter), patch: patch, ifMatch: try ifMatchVersion(sub)))
            }
            return Planned(index: i, fullUrl: fullUrl, action: .patch(type: type, id: try resourceID(p[1]), query: nil, patch: patch, ifMatch: try ifMatchVersion(sub)))
        }
    }

    /// Passes a Subscription written by an entry through the checks of every Subscription write
    /// (``checkedSubscription(_:access:)``) and records its owner (``owned(_:access:id:conditional:)``), before the
    /// store transaction starts.
    private func checkSubscriptions(_ p: inout Planned, access: RequestAccess) async throws {
        switch p.action {
        case .create("Subscription", let id, let resource, let ifNoneExist):
            let checked = try await owned(try await checkedSubscription(resource, access: access), access: access, id: nil)
            p.action = .create(type: "Subscription", id: id, resource: checked, ifNoneExist: ifNoneExist)
        case .update("Subscription", let id, let resource, let ifMatch):
            let checked = try await owned(try await checkedSubscription(resource, access: access), access: access, id: id)
            p.action = .update(type: "Subscription", id: id, resource: checked, ifMatch: ifMatch)
        case .conditionalUpdate("Subscription", let query, let resource, let ifMatch, let newID):
            let checked = try await owned(try await checkedSubscription(resource, access: access), access: access, id: nil, conditional: true)
            p.action = .conditionalUpdate(type: "Subscription", query: query, resource: checked, ifMatch: ifMatch, newID: newID)
        case .patch("Subscription", let id, let query, let patch, _):
            p.checked = try await checkedPatchTarget(type: "Subscription", id: id, query: query, patch: patch, access: access)
        default:
            break
        }
    }

    private func transaction(_ rawEntries: [JSON], request: FHIRRequest, prefer: Prefer.Return?) async throws -> FHIRResponse {
        var planned: [Planned] = []
        planned.reserveCapacity(rawEntries.count)
        let filter = try await accessFilter(request.access)
        for (i, raw) in rawEntries.enumerated() {
            var p = try plan(raw, index: i, request: request, filter: filter)
            do {
                try await checkSubscriptions(&p, access: request.access)
            } catch let error as FHIRError {
                throw Self.at(error, entry: i)
            }
            switch p.action {
            case .create(let type, _, let resource, _), .update(let type, _, let resource, _),
                 .conditionalUpdate(let type, _, let resource, _, _):
                p.precomputed = writer.referenceIndependentEntries(.object(resource), type: type)
            default:
                break
            }
            planned.append(p)
        }
        // Two entries may not write the same resource.
        var seen = Set<String>()
        for p in planned {
            let key: String?
            switch p.action {
            case .update(let t, let id, _, _), .delete(let t, let id, _): key = "\(t)/\(id)"
            case .patch(let t, let id?, _, _, _): key = "\(t)/\(id)"
            default: key = nil
            }
            if let key, !seen.insert(key).inserted {
                throw FHIRError(.invalid, "\(key) is written by more than one entry of the transaction", issueType: "business-rule")
            }
            if let url = p.fullUrl, url.hasPrefix("urn:"), !seen.insert(url).inserted {
                throw FHIRError(.invalid, "fullUrl \(url) appears in more than one entry", issueType: "business-rule", expression: ["Bundle.entry[\(p.index)].fullUrl"])
            }
        }
        var writes = planned.filter { $0.order < 3 }.sorted { ($0.order, $0.index) < ($1.order, $1.index) }
        let access = request.access
        let preparation = await prepareAhead(&writes, filter: filter)
        let outcomes: [Int: WriteOutcome] = try await store.write { [writes] tx in
            try self.runTransaction(tx, writes, access: access, filter: filter, preparation: preparation)
        }
        didWrite(outcomes.values.compactMap(\.written))
        request.access.trail.touch(outcomes.sorted { $0.key < $1.key }.compactMap { $0.value.written ?? $0.value.stored })
        // Reads run after the writes committed, so they see them.
        var responses: [JSON] = []
        responses.reserveCapacity(planned.count)
        for p in planned {
            if case .read(let sub) = p.action {
                responses.append(entryResponse(await handle(sub), prefer: .representation))
            } else if let outcome = outcomes[p.index] {
                responses.append(entryResponse(outcome, prefer: prefer))
            }
        }
        return bundleResponse(type: "transaction-response", entries: responses, request: request)
    }

    /// The part of a transaction that runs inside the store transaction.
    private func runTransaction(_ tx: any StoreTransaction, _ writes: [Planned], access: RequestAccess, filter: AccessFilter?,
                                preparation: PreparedWrites?) throws -> [Int: WriteOutcome] {
        // 1. Decide every target id: conditional creates and updates are resolved first.
        var idOf: [Int: String] = [:]
        var existing: [Int: StoredResource] = [:]
        var references: [String: String] = [:]
        for p in writes {
            do {
                switch p.action {
                case .create(let type, let id, _, let ifNoneExist):
                    var target = id
                    if let ifNoneExist {
                        let matches = try tx.search(ifNoneExist)
                        if matches.count > 1 {
                            throw FHIRError(.preconditionFailed, "ifNoneExist matched \(matches.count) \(type) resources", issueType: "multiple-matches")
                        }
                        if let m = matches.first { target = m.id; existing[p.index] = m }
                    }
                    idOf[p.index] = target
                    if let url = p.fullUrl { references[url] = "\(type)/\(target)" }
                case .update(let type, let id, _, _):
                    idOf[p.index] = id
                    if let url = p.fullUrl, url.hasPrefix("urn:") { references[url] = "\(type)/\(id)" }
                case .conditionalUpdate(let type, let query, let resource, _, let newID):
                    let matches = try tx.search(query)
                    if matches.count > 1 {
                        throw FHIRError(.preconditionFailed, "The condition matched \(matches.count) \(type) resources", issueType: "multiple-matches")
                    }
                    let id = matches.first?.id ?? resource["id"]?.stringValue ?? newID
                    idOf[p.index] = id
                    if let url = p.fullUrl, url.hasPrefix("urn:") { references[url] = "\(type)/\(id)" }
                default:
                    break
                }
            } catch let error as FHIRError {
                throw Self.at(error, entry: p.index)
            }
        }
        // 2. Rewrite references, resolving conditional ones once each.
        var conditional: [String: String] = [:]
        func resolve(_ reference: String) throws -> String? {
            if let mapped = references[reference] { return mapped }
            guard let q = reference.firstIndex(of: "?"), !reference.hasPrefix("#") else {
                if reference.hasPrefix("urn:uuid:") || reference.hasPrefix("urn:oid:") {
                    throw FHIRError(.invalid, "Reference \(reference) matches no fullUrl in the transaction", issueType: "not-found")
                }
                return nil
            }
            if let done = conditional[reference] { return done }
            guard let (type, query) = try Self.conditionalReferenceQuery(reference, questionMark: q, filter: filter) else { return nil }
            let matches = try tx.search(query)
            guard matches.count == 1 else {
                throw FHIRError(.preconditionFailed, "Conditional reference \(reference) matched \(matches.count) resources; it must match exactly one", issueType: matches.isEmpty ? "not-found" : "multiple-matches")
            }
            let resolved = "\(type)/\(matches[0].id)"
            conditional[reference] = resolved
            return resolved
        }
        // A Binary of the transaction follows the DocumentReference whose attachment names it (MHD).
        let owners = try documentOwners(writes.compactMap { p -> (id: String, resource: JSONObject)? in
            switch p.action {
            case .create("DocumentReference", _, let r, _), .update("DocumentReference", _, let r, _), .conditionalUpdate("DocumentReference", _, let r, _, _):
                return (idOf[p.index]!, r)
            default: return nil
            }
        }, resolve)
        access.contents.noteDocuments(owners.values)
        // The versions prepared ahead hold if every reference resolves now as it did then.
        var usePrepared = false
        if let preparation {
            usePrepared = owners == preparation.owners
            for (reference, target) in preparation.conditional where usePrepared {
                usePrepared = (try? resolve(reference)) == target
            }
        }
        // 3. Write, in FHIR order.
        var outcomes: [Int: WriteOutcome] = [:]
        for p in writes {
            do {
                switch p.action {
                case .delete(let type, let id, let ifMatch):
                    outcomes[p.index] = try deleteInTransaction(tx, access, type: type, id: id, ifMatch: ifMatch)
                case .conditionalDelete(let type, let query):
                    outcomes[p.index] = try conditionalDeleteInTransaction(tx, access, type: type, query: query)
                case .create(let type, _, let resource, _):
                    if let match = existing[p.index] { outcomes[p.index] = .existing(match); continue }
                    if usePrepared, let prepared = p.prepared {
                        outcomes[p.index] = try createInTransaction(tx, access, type: type, id: idOf[p.index]!, resource: prepared.resource, ifNoneExist: nil, prepared: prepared)
                        continue
                    }
                    let rewritten = Self.owned(try ReferenceRewriter.rewrite(resource, resolve), type: type, id: idOf[p.index]!, owners)
                    outcomes[p.index] = try createInTransaction(tx, access, type: type, id: idOf[p.index]!, resource: rewritten, ifNoneExist: nil, precomputed: p.precomputed)
                case .update(let type, let id, let resource, let ifMatch):
                    if usePrepared, let prepared = p.prepared {
                        outcomes[p.index] = try updateInTransaction(tx, access, type: type, id: id, resource: prepared.resource, ifMatch: ifMatch, prepared: prepared)
                        continue
                    }
                    let rewritten = Self.owned(try ReferenceRewriter.rewrite(resource, resolve), type: type, id: id, owners)
                    outcomes[p.index] = try updateInTransaction(tx, access, type: type, id: id, resource: rewritten, ifMatch: ifMatch, precomputed: p.precomputed)
                case .conditionalUpdate(let type, _, let resource, let ifMatch, _):
                    let rewritten = try ReferenceRewriter.rewrite(resource, resolve)
                    outcomes[p.index] = try updateInTransaction(tx, access, type: type, id: idOf[p.index]!, resource: rewritten, ifMatch: ifMatch, precomputed: p.precomputed)
                case .patch(let type, let id, let query, let patch, let ifMatch):
                    outcomes[p.index] = try patchInTransaction(tx, access, type: type, id: id, query: query, patch: patch, ifMatch: ifMatch, checked: p.checked)
                case .read:
                    break
                }
            } catch let error as FHIRError {
                throw Self.at(error, entry: p.index)
            }
        }
        // Document rules across entries (attachment hash and size, replaced documents): their extra versions are
        // listed under negative keys, so they are audited and announced with the rest.
        for (k, extra) in try applyDocumentRules(tx, access, written: outcomes.sorted { $0.key < $1.key }.compactMap(\.value.written)).enumerated() {
            outcomes[-1 - k] = .updated(extra)
        }
        return outcomes
    }

    /// What ``prepareAhead(_:filter:)`` assumed: the conditional references it resolved and the Binaries' owners.
    struct PreparedWrites: Sendable {
        var conditional: [String: String]
        var owners: [String: String]
    }

    /// Prepares the versions of a transaction's creates and updates before its store transaction, on the calling
    /// task rather than on the store's single writer (which is what limits a bulk load): references rewritten,
    /// serialised, patient key and index entries. Only when every target id is known before the transaction
    /// (plain creates and updates, no conditional create, update, delete or patch): conditional references are
    /// resolved with reads now, and the transaction uses the prepared versions only if it resolves them the same
    /// way. `nil` (and nothing prepared) otherwise, or when any reference cannot be resolved now (the transaction
    /// then reports it).
    private func prepareAhead(_ writes: inout [Planned], filter: AccessFilter?) async -> PreparedWrites? {
        var references: [String: String] = [:]
        var documents: [(id: String, resource: JSONObject)] = []
        var conditionalReferences = Set<String>()
        for p in writes {
            switch p.action {
            case .create(let type, let id, let resource, nil):
                if let url = p.fullUrl { references[url] = "\(type)/\(id)" }
                if type == "DocumentReference" { documents.append((id, resource)) }
            case .update(let type, let id, let resource, _):
                if let url = p.fullUrl, url.hasPrefix("urn:") { references[url] = "\(type)/\(id)" }
                if type == "DocumentReference" { documents.append((id, resource)) }
            default:
                return nil
            }
        }
        // Conditional references, resolved once each by a read.
        for p in writes {
            switch p.action {
            case .create(_, _, let resource, _), .update(_, _, let resource, _):
                _ = ReferenceRewriter.rewrite(resource) { reference in
                    if !reference.hasPrefix("#"), reference.contains("?"), references[reference] == nil {
                        conditionalReferences.insert(reference)
                    }
                    return nil
                }
            default:
                break
            }
        }
        var conditional: [String: String] = [:]
        for reference in conditionalReferences {
            guard let q = reference.firstIndex(of: "?") else { continue }
            let parsed: (type: String, query: SearchQuery)?
            do { parsed = try Self.conditionalReferenceQuery(reference, questionMark: q, filter: filter) } catch { return nil }
            guard let (type, query) = parsed else { continue }
            guard let matches = try? await store.search(query).resources, matches.count == 1 else { return nil }
            conditional[reference] = "\(type)/\(matches[0].id)"
        }
        let resolve = { (reference: String) throws -> String? in
            if let mapped = references[reference] ?? conditional[reference] { return mapped }
            if reference.hasPrefix("urn:uuid:") || reference.hasPrefix("urn:oid:") { throw PreparationFailed() }
            return nil
        }
        guard let owners = try? documentOwners(documents, resolve) else { return nil }
        for k in writes.indices {
            let p = writes[k]
            let type: String, id: String, resource: JSONObject
            switch p.action {
            case .create(let t, let i, let r, _), .update(let t, let i, let r, _): (type, id, resource) = (t, i, r)
            default: continue
            }
            guard let rewritten = try? ReferenceRewriter.rewrite(resource, resolve) else { return nil }
            writes[k].prepared = writer.prepare(type: type, id: id, resource: Self.owned(rewritten, type: type, id: id, owners), precomputed: p.precomputed)
        }
        return PreparedWrites(conditional: conditional, owners: owners)
    }

    private struct PreparationFailed: Error {}

    /// The search a conditional reference (`Type?criteria`, `?` at `questionMark`) stands for, under the actor's
    /// filter; nil when `Type` is not a resource type (the reference is then left as written).
    private static func conditionalReferenceQuery(_ reference: String, questionMark q: String.Index,
                                                  filter: AccessFilter?) throws(FHIRError) -> (type: String, query: SearchQuery)? {
        let type = String(reference[..<q])
        guard R4.resourceTypes.contains(type) else { return nil }
        return (type, restricted(try ConditionalQuery.parse(type: type, query: String(reference[reference.index(after: q)...])), filter))
    }

    /// Prefixes an error's diagnostics with the entry that caused it.
    static func at(_ error: FHIRError, entry: Int) -> FHIRError {
        var e = error
        e.issues = error.issues.map { issue in
            var i = issue
            i.diagnostics = "Bundle.entry[\(entry)]: " + issue.diagnostics
            if i.expression.isEmpty { i.expression = ["Bundle.entry[\(entry)]"] }
            return i
        }
        return e
    }

    // MARK: responses

    /// A `Bundle.entry` of a transaction response, built straight from what the write did (no HTTP round trip:
    /// the stored bytes are parsed once, only when the resource is returned).
    private func entryResponse(_ outcome: WriteOutcome, prefer: Prefer.Return?) -> JSON {
        var r: JSONObject = ["status": .string(Self.statusLine(outcome.status))]
        var entry: JSONObject = [:]
        switch outcome {
        case .created(let s), .updated(let s), .existing(let s):
            r["location"] = .string(versionURL(s, absolute: false))
            r["etag"] = .string(ETag.make(s.version))
            r["lastModified"] = .string(FHIRInstant.format(s.lastUpdated))
            switch prefer {
            case .minimal:
                break
            case .operationOutcome:
                let verb = outcome.status == 201 ? "created" : "updated"
                r["outcome"] = OperationOutcome.information("\(s.type)/\(s.id) \(verb) as version \(s.version)")
            case .representation, nil:
                if let resource = try? JSON.parse(s.content) {
                    entry["fullUrl"] = .string("\(configuration.baseURL)/\(s.type)/\(s.id)")
                    entry["resource"] = resource
                }
            }
        case .deleted(let s):
            r["etag"] = .string(ETag.make(s.version))
        case .nothingToDelete:
            break
        }
        entry["response"] = .object(r)
        return .object(entry)
    }

    /// A `Bundle.entry` of a batch/transaction response built from an interaction response.
    private func entryResponse(_ response: FHIRResponse, prefer: Prefer.Return?) -> JSON {
        var r: JSONObject = ["status": .string(Self.statusLine(response.status))]
        if let location = response.header("Location") ?? response.header("Content-Location") {
            var loc = location
            if loc.hasPrefix(configuration.baseURL + "/") { loc.removeFirst(configuration.baseURL.count + 1) }
            r["location"] = .string(loc)
        }
        if let etag = response.header("ETag") { r["etag"] = .string(etag) }
        if let lm = response.header("Last-Modified"), let d = HTTPDate.parse(lm) {
            r["lastModified"] = .string(FHIRInstant.format(d))
        }
        var entry: JSONObject = [:]
        let body = response.body.isEmpty ? nil : try? JSON.parse(response.body)
        if response.status >= 400 {
            if let body { r["outcome"] = body }
        } else if let body {
            if body["resourceType"]?.stringValue == "OperationOutcome" {
                r["outcome"] = body
            } else if prefer != .minimal {
                entry["resource"] = body
                if let t = body["resourceType"]?.stringValue, let id = body["id"]?.stringValue {
                    entry["fullUrl"] = .string("\(configuration.baseURL)/\(t)/\(id)")
                }
            }
        }
        entry["response"] = .object(r)
        return .object(entry)
    }

    private func bundleResponse(type: String, entries: [JSON], request: FHIRRequest) -> FHIRResponse {
        var bundle: JSONObject = ["resourceType": "Bundle", "id": .string(Self.newID()), "type": .string(type)]
        bundle["entry"] = .array(entries)
        return FHIRResponse(status: 200, headers: [("Content-Type", FHIRMediaType.fhirJSON)], body: render(.object(bundle), request))
    }

    static func statusLine(_ status: Int) -> String {
        let reason: String
        switch status {
        case 200: reason = "OK"
        case 201: reason = "Created"
        case 204: reason = "No Content"
        case 304: reason = "Not Modified"
        case 400: reason = "Bad Request"
        case 404: reason = "Not Found"
        case 405: reason = "Method Not Allowed"
        case 409: reason = "Conflict"
        case 410: reason = "Gone"
        case 412: reason = "Precondition Failed"
        case 413: reason = "Payload Too Large"
        case 415: reason = "Unsupported Media Type"
        case 422: reason = "Unprocessable Entity"
        case 501: reason = "Not Implemented"
        default: reason = ""
        }
        return reason.isEmpty ? String(status) : "\(status) \(reason)"
    }
}
