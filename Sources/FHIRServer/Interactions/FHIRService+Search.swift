import Access
import FHIRCore
import Foundation
import Search
import Store

extension FHIRService {
    /// Where a search runs.
    enum SearchScope: Sendable {
        /// `[base]/Type?...`, `[base]/Type/_search`.
        case type(String)
        /// `[base]?...`, `[base]/_search` (all types, or those of `_type`).
        case system
        /// `[base]/Patient/id/Type?...`: the resources of `type` in the patient's compartment.
        case compartment(patientID: String, type: String)
    }

    /// A search: the query language of the Search layer compiled to one store query per page, with keyset paging
    /// (`_cursor` links that stay consistent while data changes), `_total`, `_summary`, `_elements`, `_include` and
    /// `_revinclude` (capped, never silently truncated). Unknown parameters are ignored and reported in an
    /// OperationOutcome entry; `Prefer: handling=strict` makes them a 400.
    func search(_ request: FHIRRequest, scope: SearchScope) async throws -> FHIRResponse {
        let items = try searchItems(request)
        let strict = Prefer(header: request.header("prefer")).handling == .strict
        var position = PagePosition.first
        var criteria: [(name: String, value: String)] = []
        for item in items {
            switch item.name {
            case "_format", "_pretty":
                continue
            case "_cursor":
                guard let decoded = PageCursor.decode(item.value) else {
                    throw FHIRError(.invalid, "The _cursor parameter is not one this server issued; start again from the first page", issueType: "value")
                }
                position = decoded
            default:
                criteria.append((item.name, item.value))
            }
        }
        let engine = try await searchEngine()
        let type: String?
        var path: String
        switch scope {
        case .type(let t): type = t; path = t
        case .system: type = nil; path = ""
        case .compartment(let patientID, let t): type = t; path = "Patient/\(patientID)/\(t)"
        }
        let parsed = try await engine.parser.parse(type: type, items: criteria, strict: strict, now: Date(), context: searchContext(request.access))
        let filter = try await accessFilter(request.access)
        let searchedTypes: [String]? = type.map { [$0] } ?? (parsed.types.isEmpty ? nil : parsed.types)
        for t in searchedTypes ?? [] { try requireScope(.search, t, request.access) }
        var conditions = [filter?.restrictingChains(parsed.condition) ?? parsed.condition]
        var targetedPatients = Self.targetedPatients(parsed.condition)
        if case .compartment(let patientID, let t) = scope {
            guard let compartment = CompartmentCondition.patient(patientID, resourceType: t, registry: engine.registry) else {
                throw FHIRError(.invalid, "\(t) is not part of the Patient compartment", issueType: "not-supported")
            }
            conditions.insert(compartment, at: 0)
            targetedPatients = [patientID]
        }
        if !parsed.types.isEmpty { conditions.insert(.types(parsed.types), at: 0) }
        if let restriction = filter?.condition(types: searchedTypes) { conditions.append(restriction) }
        let condition: SearchCondition = conditions.count == 1 ? conditions[0] : .all(conditions)
        let query = SearchQuery(type: type, condition: condition, sort: parsed.sort, limit: parsed.count, page: position)
        var issues = parsed.issues
        if let filter, Self.suppresses(filter, patients: targetedPatients, types: searchedTypes) { issues.append(Self.suppressedIssue) }
        let selfItems = parsed.canonicalItems.map { FHIRRequest.QueryItem($0.name, $0.value) }

        if parsed.summary == .count {
            let total = try await store.count(query)
            var bundle: JSONObject = ["resourceType": "Bundle", "id": .string(Self.newID()), "type": "searchset",
                                      "total": .number(String(total))]
            bundle["link"] = .array([link("self", path: path, query: selfItems)])
            if !issues.isEmpty { bundle["entry"] = .array([outcomeEntry(issues)]) }
            return FHIRResponse(status: 200, headers: [("Content-Type", FHIRMediaType.fhirJSON)], body: render(.object(bundle), request))
        }

        let page = try await store.search(query)
        var total: Int?
        switch parsed.total {
        case .none?:
            total = nil
        case .accurate?, .estimate?:
            total = try await store.count(query)
        case nil:
            // The first page holds everything when it is not full: no count needed.
            if case .first = position, !page.hasMore, page.resources.count < parsed.count {
                total = page.resources.count
            } else {
                total = try await store.count(query)
            }
        }

        let matches = page.resources.compactMap { stored in (try? JSON.parse(stored.content)).map { (stored, $0) } }
        let (included, includeIssues) = try await includes(of: matches, parsed: parsed, engine: engine, filter: filter)
        issues += includeIssues

        request.access.trail.touch(matches.map(\.0) + included.map(\.0))
        if let filter, case .professional(let reach) = filter.scope, !reach.inEmergency.isEmpty {
            request.access.trail.reachedInEmergency(reach.inEmergency)
        }
        var bundle: JSONObject = ["resourceType": "Bundle", "id": .string(Self.newID()), "type": "searchset"]
        if let total { bundle["total"] = .number(String(total)) }
        bundle["link"] = .array(pageLinks(path: path, items: selfItems, position: position, page: page))
        let subset = ResourceSubset.from(summary: parsed.summary, elements: parsed.elements)
        var entries: [JSON] = []
        entries.reserveCapacity(matches.count + included.count + 1)
        for (stored, json) in matches { entries.append(searchEntry(stored, json, mode: "match", subset: subset, registry: engine.registry)) }
        for (stored, json) in included { entries.append(searchEntry(stored, json, mode: "include", subset: subset, registry: engine.registry)) }
        if !issues.isEmpty { entries.append(outcomeEntry(issues)) }
        if !entries.isEmpty { bundle["entry"] = .array(entries) }
        return FHIRResponse(status: 200, headers: [("Content-Type", FHIRMediaType.fhirJSON)], body: render(.object(bundle), request))
    }

    /// The query items of a search: the URL's, plus the form body of `POST _search`.
    func searchItems(_ request: FHIRRequest) throws -> [FHIRRequest.QueryItem] {
        var items = request.query
        if request.method == .post {
            let ct = request.header("content-type")?.lowercased() ?? ""
            guard ct.hasPrefix("application/x-www-form-urlencoded") || request.body.isEmpty else {
                throw FHIRError(.unsupportedMediaType, "POST _search needs an application/x-www-form-urlencoded body")
            }
            items += QueryString.parse(String(decoding: request.body, as: UTF8.self), form: true)
        }
        return items
    }

    /// `self`, `first`, `next` and `previous` links. Keyset cursors: `next` starts after the page's last resource,
    /// `previous` ends before its first.
    func pageLinks(path: String, items: [FHIRRequest.QueryItem], position: PagePosition, page: SearchPage) -> [JSON] {
        func with(_ position: PagePosition) -> [FHIRRequest.QueryItem] {
            guard let cursor = PageCursor.encode(position) else { return items }
            return items + [.init("_cursor", cursor)]
        }
        var links = [link("self", path: path, query: with(position))]
        if case .first = position {} else { links.append(link("first", path: path, query: items)) }
        let more: Bool
        let before: Bool
        switch position {
        case .first: more = page.hasMore; before = false
        case .after: more = page.hasMore; before = true
        case .before: more = true; before = page.hasMore
        }
        if more, let last = page.cursors.last { links.append(link("next", path: path, query: with(.after(last)))) }
        if before, let first = page.cursors.first { links.append(link("previous", path: path, query: with(.before(first)))) }
        return links
    }

    func searchEntry(_ stored: StoredResource, _ json: JSON, mode: String, subset: ResourceSubset?, registry: SearchParameterRegistry) -> JSON {
        .object([
            "fullUrl": .string("\(configuration.baseURL)/\(stored.type)/\(stored.id)"),
            "resource": subset?.apply(to: json, registry: registry) ?? json,
            "search": ["mode": .string(mode)],
        ])
    }

    func outcomeEntry(_ issues: [FHIRError.Issue]) -> JSON {
        .object(["resource": OperationOutcome.make(issues), "search": ["mode": "outcome"]])
    }

    // MARK: _include and _revinclude

    /// The resources `_include` and `_revinclude` add to a page, iterating (`:iterate`) up to
    /// ``ServerConfiguration/maxIncludeDepth`` levels, at most ``ServerConfiguration/maxIncludes`` of them. When
    /// there are more, the response says so with an issue instead of dropping them silently: the client pages
    /// with a smaller `_count`.
    func includes(of matches: [(StoredResource, JSON)], parsed: ParsedSearch, engine: SearchEngine.Snapshot, filter: AccessFilter?)
        async throws -> ([(StoredResource, JSON)], [FHIRError.Issue]) {
        func restricted(_ type: String, _ condition: SearchCondition) -> SearchCondition {
            filter?.condition(types: [type]).map { .all([condition, $0]) } ?? condition
        }
        guard !parsed.includes.isEmpty || !parsed.revincludes.isEmpty, !matches.isEmpty else { return ([], []) }
        let cap = configuration.maxIncludes
        var seen = Set(matches.map { "\($0.0.type)/\($0.0.id)" })
        var included: [(StoredResource, JSON)] = []
        var frontier = matches
        var truncated = false
        let iterates = parsed.includes.contains(where: \.iterate) || parsed.revincludes.contains(where: \.iterate)
        let depth = iterates ? configuration.maxIncludeDepth : 1
        for level in 0..<depth {
            var found: [(StoredResource, JSON)] = []
            func add(_ resources: [StoredResource]) {
                for stored in resources where seen.insert("\(stored.type)/\(stored.id)").inserted {
                    if let json = try? JSON.parse(stored.content) { found.append((stored, json)) }
                }
            }
            // _include: follow the references of the frontier.
            var targets: [String: Set<String>] = [:]
            for include in parsed.includes where level == 0 || include.iterate {
                for (stored, json) in frontier where stored.type == include.sourceType {
                    for value in referenceValues(json, type: stored.type, param: include.param, engine: engine) {
                        guard let t = value.type, let id = value.id, value.url == nil else { continue }
                        if let wanted = include.targetType, wanted != t { continue }
                        if !seen.contains("\(t)/\(id)") { targets[t, default: []].insert(id) }
                    }
                }
            }
            for (t, ids) in targets.sorted(by: { $0.key < $1.key }) {
                let page = try await store.search(SearchQuery(type: t, condition: restricted(t, .ids(ids.sorted())), limit: cap + 1))
                add(page.resources)
            }
            // _revinclude: resources whose reference points to the frontier.
            for rev in parsed.revincludes where level == 0 || rev.iterate {
                let pointed = frontier.filter { rev.targetType == nil || $0.0.type == rev.targetType }
                guard !pointed.isEmpty else { continue }
                let params = rev.param.map { [$0] } ?? engine.referenceParameters[rev.sourceType] ?? []
                var alternatives: [SearchCondition] = []
                for param in params {
                    for (stored, _) in pointed {
                        alternatives.append(.match(param: param, .reference(.local(type: stored.type, id: stored.id))))
                    }
                }
                let page = try await store.search(SearchQuery(type: rev.sourceType, condition: restricted(rev.sourceType, .any(alternatives)), limit: cap + 1))
                if page.hasMore { truncated = true }
                add(page.resources)
            }
            if included.count + found.count > cap {
                truncated = true
                found = Array(found.prefix(cap - included.count))
            }
            included += found
            frontier = found
            if frontier.isEmpty || truncated { break }
        }
        var issues: [FHIRError.Issue] = []
        if truncated {
            issues.append(.init(severity: .warning, code: "too-costly",
                                diagnostics: "More than \(cap) resources would be included for this page; the first \(cap) are included. Ask for fewer matches per page (a smaller _count) to get all of them."))
        }
        return (included, issues)
    }

    // MARK: Break the glass

    /// The issue that tells a professional results were hidden for lack of access (the FHIR break-the-glass
    /// pattern), with no count or identifier of what was hidden.
    static var suppressedIssue: FHIRError.Issue {
        var issue = FHIRError.Issue(severity: .information, code: "suppressed",
                                    diagnostics: "Some results may be hidden: you have no access to this patient's record. In an emergency, POST Patient/[id]/$break-glass with a reason.")
        issue.details = .object(["coding": [["system": .string(SystemCode.Systems.actReason), "code": "BTG", "display": "break the glass"]]])
        return issue
    }

    /// Whether a professional's search over `patients` hides results for lack of a ground. Decided from the
    /// actor's access alone, never from the data: it reveals nothing about what exists.
    static func suppresses(_ filter: AccessFilter, patients: [String]?, types: [String]?) -> Bool {
        guard case .professional(let access) = filter.scope, let patients, !patients.isEmpty else { return false }
        if let types, types.allSatisfy(AccessFilter.isShared) { return false }
        let reachable = Set(access.seesMasked).union(access.seesUnmasked)
        return patients.contains { !reachable.contains($0) }
    }

    /// The patients a search is limited to by a top-level `patient`/`subject` reference, if it is.
    static func targetedPatients(_ condition: SearchCondition) -> [String]? {
        func patients(_ c: SearchCondition) -> [String]? {
            switch c {
            case .match(let param, .reference(.local(let type, let id, _))) where (param == "patient" || param == "subject") && (type == nil || type == "Patient"):
                return [id]
            case .any(let parts):
                var ids: [String] = []
                for part in parts { guard let p = patients(part) else { return nil }; ids += p }
                return ids
            default:
                return nil
            }
        }
        if let direct = patients(condition) { return direct }
        guard case .all(let parts) = condition else { return nil }
        return parts.lazy.compactMap(patients).first
    }

    /// The reference values of one parameter (every reference parameter of the type when `param` is nil, `*`).
    func referenceValues(_ json: JSON, type: String, param: String?, engine: SearchEngine.Snapshot) -> [ReferenceValue] {
        let params = param.map { [$0] } ?? engine.referenceParameters[type] ?? []
        var values: [ReferenceValue] = []
        for p in params {
            for entry in engine.builder.entries(for: json, type: type, param: p) {
                if case .reference(let value) = entry.value { values.append(value) }
            }
        }
        return values
    }
}

extension ResourceSubset {
    /// The subset `_summary` and `_elements` ask for; nil for the whole resource.
    static func from(summary: SummaryMode?, elements: [String]?) -> ResourceSubset? {
        switch summary {
        case .true?: return ResourceSubset(mode: .summary)
        case .text?: return ResourceSubset(mode: .text)
        case .data?: return ResourceSubset(mode: .data)
        default: break
        }
        if let elements, !elements.isEmpty { return ResourceSubset(mode: .elements(Set(elements))) }
        return nil
    }
}
