import Access
import FHIRCore
import Foundation
import Search
import Store

extension FHIRService {
    /// `GET [base]/Patient/id/$everything`: the patient's whole record — every resource stored under the
    /// patient's key (one clustered range of the store) — plus the shared resources it references (practitioners,
    /// organisations, locations, medications...), one page at a time (`_count`, `_cursor` links), filtered by
    /// `_since` (changed after an instant) and `_type`. Other patients' resources are never included.
    func everything(_ request: FHIRRequest, patientID: String) async throws -> FHIRResponse {
        guard let patient = try await store.read(type: "Patient", id: patientID), !patient.isDeleted,
              try await mayRead(patient, access: request.access) else {
            throw FHIRError(.notFound, "Patient/\(patientID) is not known", issueType: "not-found")
        }
        let filter = try await accessFilter(request.access)
        var typesAsked: [String]?
        var count = configuration.defaultPageSize
        var position = PagePosition.first
        var conditions: [SearchCondition] = [.patientRecord([patientID])]
        var linkItems: [FHIRRequest.QueryItem] = []
        var issues: [FHIRError.Issue] = []
        for item in try searchItems(request) {
            switch item.name {
            case "_format", "_pretty":
                continue
            case "_count":
                guard let n = Int(item.value), n >= 0 else {
                    throw FHIRError(.invalid, "_count '\(item.value)' is not a non-negative integer", issueType: "value")
                }
                count = min(n, configuration.maxPageSize)
            case "_cursor":
                guard let decoded = PageCursor.decode(item.value) else {
                    throw FHIRError(.invalid, "The _cursor parameter is not one this server issued; start again from the first page", issueType: "value")
                }
                position = decoded
                continue
            case "_since":
                guard let since = FHIRInstant(item.value)?.lowerBound ?? FHIRDateTime(item.value)?.lowerBound else {
                    throw FHIRError(.invalid, "_since '\(item.value)' is not an instant (e.g. 2024-01-31T12:00:00Z)", issueType: "value")
                }
                // Changed at or after `_since`.
                let micros = Int64((since.timeIntervalSince1970 * 1_000_000).rounded(.down))
                conditions.append(.lastUpdated(.ge, DateRange(low: micros, high: micros)))
            case "_type":
                let types = item.value.split(separator: ",").map(String.init)
                for t in types where !R4.resourceTypes.contains(t) {
                    throw FHIRError(.invalid, "_type names an unknown resource type '\(t)'", issueType: "value")
                }
                conditions.append(.types(types))
                typesAsked = types
            case "start", "end":
                issues.append(.init(severity: .warning, code: "not-supported", diagnostics: "Parameter '\(item.name)' of $everything is not supported and was ignored"))
                continue
            default:
                if Prefer(header: request.header("prefer")).handling == .strict {
                    throw FHIRError(.invalid, "Parameter '\(item.name)' is not a parameter of $everything", issueType: "not-supported")
                }
                issues.append(.init(severity: .warning, code: "not-supported", diagnostics: "Parameter '\(item.name)' is not a parameter of $everything and was ignored"))
                continue
            }
            linkItems.append(item)
        }
        if let restriction = filter?.condition(types: typesAsked) { conditions.append(restriction) }
        let query = SearchQuery(type: nil, condition: .all(conditions), limit: count, page: position)
        let page = try await store.search(query)
        let total = try await store.count(query)
        let engine = try await searchEngine()
        let matches = page.resources.compactMap { stored in (try? JSON.parse(stored.content)).map { (stored, $0) } }

        // The shared resources the page references (not patient-keyed), each once per page.
        var seen = Set(matches.map { "\($0.0.type)/\($0.0.id)" })
        var targets: [String: Set<String>] = [:]
        for (stored, json) in matches {
            for value in referenceValues(json, type: stored.type, param: nil, engine: engine) {
                guard let t = value.type, let id = value.id, value.url == nil, !seen.contains("\(t)/\(id)") else { continue }
                targets[t, default: []].insert(id)
            }
        }
        var included: [(StoredResource, JSON)] = []
        for (t, ids) in targets.sorted(by: { $0.key < $1.key }) where filter == nil || AccessFilter.isShared(t) {
            let found = try await store.search(SearchQuery(type: t, condition: .ids(ids.sorted()), limit: ids.count))
            for stored in found.resources where stored.patientKey.isEmpty && seen.insert("\(t)/\(stored.id)").inserted {
                if let json = try? JSON.parse(stored.content) { included.append((stored, json)) }
            }
        }

        request.access.trail.touch(matches.map(\.0) + included.map(\.0))
        if let filter, case .professional(let reach) = filter.scope, !reach.inEmergency.isEmpty {
            request.access.trail.reachedInEmergency(reach.inEmergency)
        }
        let path = "Patient/\(patientID)/$everything"
        var bundle: JSONObject = ["resourceType": "Bundle", "id": .string(Self.newID()), "type": "searchset",
                                  "total": .number(String(total))]
        bundle["link"] = .array(pageLinks(path: path, items: linkItems, position: position, page: page))
        var entries: [JSON] = []
        for (stored, json) in matches { entries.append(searchEntry(stored, json, mode: "match", subset: nil, registry: engine.registry)) }
        for (stored, json) in included { entries.append(searchEntry(stored, json, mode: "include", subset: nil, registry: engine.registry)) }
        if !issues.isEmpty { entries.append(outcomeEntry(issues)) }
        if !entries.isEmpty { bundle["entry"] = .array(entries) }
        return FHIRResponse(status: 200, headers: [("Content-Type", FHIRMediaType.fhirJSON)], body: render(.object(bundle), request))
    }
}
