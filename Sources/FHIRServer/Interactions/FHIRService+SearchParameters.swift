import Access
import FHIRCore
import FHIRPath
import Foundation
import Search
import Store

extension FHIRService {
    /// The search parameters in force. On first use, the custom SearchParameter resources stored on the server
    /// are added to the standard ones.
    func searchEngine() async throws -> SearchEngine.Snapshot {
        if !searchParametersLoaded.withLock({ $0 }) {
            var definitions: [SearchParameterDefinition] = []
            var position = PagePosition.first
            while true {
                let page = try await store.search(SearchQuery(type: "SearchParameter", limit: 500, page: position))
                for stored in page.resources {
                    if let json = try? JSON.parse(stored.content), let d = SearchParameterDefinition(resource: json) { definitions.append(d) }
                }
                guard page.hasMore, let last = page.cursors.last else { break }
                position = .after(last)
            }
            searchParametersLoaded.withLock { loaded in
                if !loaded { searchEngines.add(definitions); loaded = true }
            }
        }
        return searchEngines.current
    }

    /// What the query parser reads from the store, as `access` may read it: a `_list` names a List the actor may
    /// see, or none (a hidden List must not reveal its members through the search results).
    func searchContext(_ access: RequestAccess) -> StoreSearchContext {
        StoreSearchContext(store: store, maxCodes: configuration.maxExpansionCodes) { [self] list in
            try await mayReadVersion(list, access: access, isCurrent: true)
        }
    }

    /// Checks a SearchParameter resource before it is written: it must be usable (a code, a known type, bases that
    /// are resource types, and an expression that parses as FHIRPath), since every later write is indexed with it.
    static func checkSearchParameter(_ resource: JSON) throws(FHIRError) {
        guard let definition = SearchParameterDefinition(resource: resource) else {
            throw FHIRError(.unprocessable, "A SearchParameter needs url, code, base and a known type to be used for search", issueType: "required")
        }
        for base in definition.base where !R4.resourceTypes.contains(base) && base != "Resource" && base != "DomainResource" {
            throw FHIRError(.unprocessable, "SearchParameter.base '\(base)' is not a resource type", issueType: "value", expression: ["SearchParameter.base"])
        }
        if definition.type != .special && definition.type != .composite {
            guard let expression = definition.expression else {
                throw FHIRError(.unprocessable, "A SearchParameter of type \(definition.type.rawValue) needs an expression", issueType: "required", expression: ["SearchParameter.expression"])
            }
            do { _ = try FHIRPathExpression(expression) } catch {
                throw FHIRError(.unprocessable, "SearchParameter.expression does not parse: \(error.issues.first?.diagnostics ?? "\(error)")", issueType: "value", expression: ["SearchParameter.expression"])
            }
        }
    }

    /// After a commit: SearchParameter resources written become part of the search parameters in force.
    func didWrite(_ stored: [StoredResource]) {
        let definitions = stored.filter { $0.type == "SearchParameter" && !$0.isDeleted }.compactMap { s in
            (try? JSON.parse(s.content)).flatMap(SearchParameterDefinition.init(resource:))
        }
        searchEngines.add(definitions)
        // The access cache only serves the rules; without them (the in-process importer) there is nothing to drop.
        guard configuration.accessRules else { return }
        let oid = Array(SystemCode.Systems.dmpVisibility.utf8)
        accessCache.didWrite(types: stored.map(\.type), labelled: stored.contains { $0.content.contains(bytes: oid) })
    }

    // MARK: $reindex

    /// `POST [base]/$reindex` and `[base]/Type/$reindex`: rebuilds the index entries of every current resource
    /// (of one type, or all) with the parameters in force — needed after adding a custom SearchParameter. Runs
    /// in batches of one store transaction each, logging progress; answers a Parameters with the count.
    func reindex(_ request: FHIRRequest, type: String?) async throws -> FHIRResponse {
        let engine = try await searchEngine()
        let started = Date()
        var position = PagePosition.first
        var done = 0
        let batch = 500
        while true {
            let page = try await store.search(SearchQuery(type: type, limit: batch, page: position))
            let work: [(String, String, [IndexEntry])] = page.resources.compactMap { stored in
                guard let json = try? JSON.parse(stored.content) else { return nil }
                return (stored.type, stored.id, engine.builder.entries(for: json, type: stored.type)
                    + AccessIndex.entries(for: ResourceAccessMetadata.extract(from: json)))
            }
            try await store.write { tx in
                for (t, id, entries) in work { try tx.replaceIndex(type: t, id: id, index: entries) }
            }
            done += work.count
            if done % 10_000 < batch {
                logger.info("reindex: \(done) resources", metadata: ["type": .string(type ?? "all")])
            }
            guard page.hasMore, let last = page.cursors.last else { break }
            position = .after(last)
        }
        let seconds = Date().timeIntervalSince(started)
        logger.info("reindex done: \(done) resources in \(String(format: "%.1f", seconds)) s")
        let parameters: JSON = .object([
            "resourceType": "Parameters",
            "parameter": .array([
                .object(["name": "resources", "valueInteger": .number(String(done))]),
                .object(["name": "seconds", "valueDecimal": .number(String(format: "%.3f", seconds))]),
            ]),
        ])
        return FHIRResponse(status: 200, headers: [("Content-Type", FHIRMediaType.fhirJSON)], body: render(parameters, request))
    }
}
