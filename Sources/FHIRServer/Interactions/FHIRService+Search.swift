import FHIRCore
import Foundation
import Store

extension FHIRService {
    /// `GET [base]/Type?...` and `POST [base]/Type/_search`: the search subset of this stage — `_id` and token
    /// parameters — with `_count` and offset paging. Unknown parameters are ignored and reported in an
    /// OperationOutcome entry (`Prefer: handling=strict` makes them a 400).
    func search(_ request: FHIRRequest, type: String) async throws -> FHIRResponse {
        var items = request.query
        if request.method == .post {
            let ct = request.header("content-type")?.lowercased() ?? ""
            guard ct.hasPrefix("application/x-www-form-urlencoded") || request.body.isEmpty else {
                throw FHIRError(.unsupportedMediaType, "POST _search needs an application/x-www-form-urlencoded body")
            }
            items += QueryString.parse(String(decoding: request.body, as: UTF8.self), form: true)
        }
        let strict = Prefer(header: request.header("prefer")).handling == .strict
        var count = configuration.defaultPageSize
        var offset = 0
        var criteria: [FHIRRequest.QueryItem] = []
        var issues: [FHIRError.Issue] = []
        for item in items {
            switch item.name {
            case "_count":
                guard let n = Int(item.value), n >= 0 else { throw FHIRError(.invalid, "_count '\(item.value)' is not a non-negative integer", issueType: "value") }
                if n > configuration.maxPageSize {
                    issues.append(.init(severity: .information, code: "informational", diagnostics: "_count \(n) was reduced to the server maximum of \(configuration.maxPageSize)"))
                }
                count = min(n, configuration.maxPageSize)
            case "_offset":
                guard let n = Int(item.value), n >= 0 else { throw FHIRError(.invalid, "_offset '\(item.value)' is not a non-negative integer", issueType: "value") }
                offset = n
            case "_format", "_pretty":
                break
            default:
                let name = item.name.split(separator: ":").first.map(String.init) ?? item.name
                let supported = name == "_id" || R4.searchParameters.parameter(for: type, code: name)?.type == .token
                if supported {
                    criteria.append(item)
                } else if strict {
                    throw FHIRError(.invalid, "Search parameter '\(item.name)' is not supported on \(type)", issueType: "not-supported")
                } else {
                    issues.append(.init(severity: .warning, code: "not-supported", diagnostics: "Search parameter '\(item.name)' is not supported on \(type) and was ignored"))
                }
            }
        }
        var query = criteria.isEmpty ? SearchQuery(type: type) : try ConditionalQuery.parse(type: type, items: criteria)
        query.limit = nil
        let all = try await store.search(query).resources
        let page = all.dropFirst(offset).prefix(count)

        var bundle: JSONObject = ["resourceType": "Bundle", "type": "searchset", "total": .number(String(all.count))]
        let path = type
        var base = criteria
        base.append(.init("_count", String(count)))
        var links: [JSON] = [link("self", path: path, query: base + [.init("_offset", String(offset))])]
        if offset + count < all.count {
            links.append(link("next", path: path, query: base + [.init("_offset", String(offset + count))]))
        }
        if offset > 0 {
            links.append(link("previous", path: path, query: base + [.init("_offset", String(max(0, offset - count)))]))
        }
        bundle["link"] = .array(links)
        var entries: [JSON] = []
        for stored in page {
            guard let resource = try? JSON.parse(stored.content) else { continue }
            entries.append(.object([
                "fullUrl": .string("\(configuration.baseURL)/\(stored.type)/\(stored.id)"),
                "resource": resource,
                "search": ["mode": "match"],
            ]))
        }
        if !issues.isEmpty {
            entries.append(.object(["resource": OperationOutcome.make(issues), "search": ["mode": "outcome"]]))
        }
        if !entries.isEmpty { bundle["entry"] = .array(entries) }
        return FHIRResponse(status: 200, headers: [("Content-Type", FHIRMediaType.fhirJSON)], body: render(.object(bundle), request))
    }
}
