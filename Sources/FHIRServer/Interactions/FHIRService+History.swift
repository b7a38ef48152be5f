import FHIRCore
import Foundation
import Store

extension FHIRService {
    /// `GET [base]/_history`, `[base]/Type/_history`, `[base]/Type/id/_history` with `_since`, `_at`, `_count`
    /// and cursor paging (`next` links stay consistent while new versions are written).
    func history(_ request: FHIRRequest, scope: HistoryQuery.Scope) async throws -> FHIRResponse {
        var since: Date?
        var at: Date?
        var count = configuration.defaultPageSize
        var cursor: Int64?
        var issues: [FHIRError.Issue] = []
        for item in request.query {
            switch item.name {
            case "_since":
                guard let d = FHIRInstant(item.value)?.lowerBound ?? FHIRDateTime(item.value)?.lowerBound else {
                    throw FHIRError(.invalid, "_since '\(item.value)' is not an instant (e.g. 2024-01-31T12:00:00Z)", issueType: "value")
                }
                // R4: versions created at or after `_since`; the store's bound is exclusive (µs precision).
                since = d.addingTimeInterval(-0.000_001)
            case "_at":
                guard let dt = FHIRDateTime(item.value) else {
                    throw FHIRError(.invalid, "_at '\(item.value)' is not a date or dateTime", issueType: "value")
                }
                // Versions current at some point of that period: written before its end.
                at = dt.upperBound.addingTimeInterval(-0.000_001)
            case "_count":
                guard let n = Int(item.value), n >= 0 else {
                    throw FHIRError(.invalid, "_count '\(item.value)' is not a non-negative integer", issueType: "value")
                }
                if n > configuration.maxPageSize {
                    issues.append(.init(severity: .information, code: "informational", diagnostics: "_count \(n) was reduced to the server maximum of \(configuration.maxPageSize)"))
                }
                count = min(n, configuration.maxPageSize)
            case "_cursor":
                guard let c = Int64(item.value) else { throw FHIRError(.invalid, "_cursor '\(item.value)' is not a cursor from a next link", issueType: "value") }
                cursor = c
            case "_format", "_pretty":
                break
            default:
                issues.append(.init(severity: .warning, code: "not-supported", diagnostics: "Parameter '\(item.name)' is not supported on history and was ignored"))
            }
        }
        let restricted = !request.access.isUnrestricted
        switch scope {
        case .instance(let type, let id):
            try requireScope(.read, type, request.access)
            guard let current = try await store.read(type: type, id: id),
                  try await mayReadVersion(current, access: request.access, isCurrent: true) else {
                throw FHIRError(.notFound, "\(type)/\(id) is not known")
            }
        case .type, .system:
            // Changes across records are the operator's view; people use a resource's history, or search with
            // _lastUpdated, where the rules are compiled into the query.
            if restricted {
                throw FHIRError(.forbidden, "History across records is available to operators only; use a resource's _history, or search with _lastUpdated", issueType: "forbidden")
            }
        }
        var page = try await store.history(HistoryQuery(scope: scope, since: since, at: at, count: count, cursor: cursor))
        if restricted {
            var shown: [StoredResource] = []
            for stored in page.entries where try await mayReadVersion(stored, access: request.access) { shown.append(stored) }
            page.entries = shown
        }

        request.access.trail.touch(page.entries)
        var bundle: JSONObject = ["resourceType": "Bundle", "type": "history"]
        // The number of versions an actor may not see is not theirs to know.
        if !restricted { bundle["total"] = .number(String(page.total)) }
        let path: String
        switch scope {
        case .system: path = "_history"
        case .type(let t): path = "\(t)/_history"
        case .instance(let t, let id): path = "\(t)/\(id)/_history"
        }
        var keep = request.query.filter { !["_cursor"].contains($0.name) }
        var links: [JSON] = [link("self", path: path, query: request.query)]
        if let next = page.nextCursor {
            keep.append(.init("_cursor", String(next)))
            links.append(link("next", path: path, query: keep))
        }
        bundle["link"] = .array(links)
        var entries: [JSON] = []
        entries.reserveCapacity(page.entries.count + 1)
        for stored in page.entries {
            var entry: JSONObject = ["fullUrl": .string("\(configuration.baseURL)/\(stored.type)/\(stored.id)")]
            if !stored.isDeleted, let resource = try? JSON.parse(stored.content) { entry["resource"] = resource }
            let url = stored.method == .create ? stored.type : "\(stored.type)/\(stored.id)"
            entry["request"] = .object(["method": .string(stored.method.rawValue), "url": .string(url)])
            let status = stored.isDeleted ? "204 No Content" : (stored.version == 1 ? "201 Created" : "200 OK")
            entry["response"] = .object([
                "status": .string(status),
                "etag": .string(ETag.make(stored.version)),
                "lastModified": .string(FHIRInstant.format(stored.lastUpdated)),
            ])
            entries.append(.object(entry))
        }
        if !issues.isEmpty {
            entries.append(.object(["resource": OperationOutcome.make(issues), "search": .object(["mode": "outcome"])]))
        }
        if !entries.isEmpty { bundle["entry"] = .array(entries) }
        return FHIRResponse(status: 200, headers: [("Content-Type", FHIRMediaType.fhirJSON)], body: render(.object(bundle), request))
    }

    /// A Bundle link to `[base]/path?query`.
    func link(_ relation: String, path: String, query: [FHIRRequest.QueryItem]) -> JSON {
        var url = "\(configuration.baseURL)/\(path)"
        if !query.isEmpty {
            url += "?" + query.map { "\(Self.escape($0.name))=\(Self.escape($0.value))" }.joined(separator: "&")
        }
        return .object(["relation": .string(relation), "url": .string(url)])
    }

    /// Percent-escapes a query component.
    static func escape(_ s: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}
