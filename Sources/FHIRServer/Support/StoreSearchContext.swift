import FHIRCore
import Search
import Store

/// What the query parser needs from the server's own data: ValueSets for `:in`/`:not-in`, CodeSystem hierarchies
/// for `:below`/`:above` on tokens, and Lists for `_list` — read from the store.
struct StoreSearchContext: SearchContext {
    let store: any FHIRStore
    /// Most codes a ValueSet or a subsumption may expand to (a larger one is refused rather than truncated).
    let maxCodes: Int
    /// Whether the searching actor may read a List: one they may not is treated as absent.
    let mayReadList: @Sendable (StoredResource) async throws -> Bool

    func valueSet(url: String) async throws -> [TokenValue]? {
        let (base, version) = Self.splitCanonical(url)
        guard let valueSet = try await canonicalResource("ValueSet", url: base, version: version) else { return nil }
        var codes: [TokenValue] = []
        if let contains = valueSet["expansion"]?["contains"]?.arrayValue {
            collectExpansion(contains, into: &codes)
        } else if let includes = valueSet["compose"]?["include"]?.arrayValue {
            for include in includes {
                guard let system = include["system"]?.stringValue else { continue }
                if let concepts = include["concept"]?.arrayValue {
                    for c in concepts { if let code = c["code"]?.stringValue { codes.append(TokenValue(system: .exactly(system), code: code)) } }
                } else if include["filter"] == nil {
                    // A whole code system.
                    codes.append(TokenValue(system: .exactly(system), code: nil))
                } else {
                    throw FHIRError(.notImplemented, "ValueSet \(url) uses compose filters, which this server does not expand; store it with an expansion", issueType: "not-supported")
                }
            }
        }
        guard codes.count <= maxCodes else {
            throw FHIRError(.invalid, "ValueSet \(url) has \(codes.count) codes, more than the \(maxCodes) a search may use", issueType: "too-costly")
        }
        return codes
    }

    private func collectExpansion(_ contains: [JSON], into codes: inout [TokenValue]) {
        for c in contains {
            if let code = c["code"]?.stringValue {
                let system = c["system"]?.stringValue
                codes.append(TokenValue(system: system.map { .exactly($0) } ?? .none, code: code))
            }
            if let nested = c["contains"]?.arrayValue { collectExpansion(nested, into: &codes) }
        }
    }

    func subsumption(system: String, code: String, below: Bool) async throws -> [String]? {
        guard let codeSystem = try await canonicalResource("CodeSystem", url: system, version: nil),
              let concepts = codeSystem["concept"]?.arrayValue else { return nil }
        // Parent links from the nested concept tree (and `parent` properties).
        var parents: [String: Set<String>] = [:]
        func walk(_ list: [JSON], parent: String?) {
            for c in list {
                guard let code = c["code"]?.stringValue else { continue }
                if let parent { parents[code, default: []].insert(parent) }
                for p in c["property"]?.arrayValue ?? [] where p["code"]?.stringValue == "parent" {
                    if let value = p["valueCode"]?.stringValue { parents[code, default: []].insert(value) }
                }
                if let nested = c["concept"]?.arrayValue { walk(nested, parent: code) }
            }
        }
        walk(concepts, parent: nil)
        var result: Set<String> = [code]
        var frontier = [code]
        if below {
            var children: [String: [String]] = [:]
            for (child, ps) in parents { for p in ps { children[p, default: []].append(child) } }
            while let next = frontier.popLast() {
                for c in children[next] ?? [] where result.insert(c).inserted { frontier.append(c) }
            }
        } else {
            while let next = frontier.popLast() {
                for p in parents[next] ?? [] where result.insert(p).inserted { frontier.append(p) }
            }
        }
        guard result.count <= maxCodes else {
            throw FHIRError(.invalid, "\(code) has \(result.count) related codes in \(system), more than the \(maxCodes) a search may use", issueType: "too-costly")
        }
        return result.sorted()
    }

    func listItems(id: String) async throws -> [ReferenceValue]? {
        guard let stored = try await store.read(type: "List", id: id), !stored.isDeleted,
              try await mayReadList(stored), let list = try? JSON.parse(stored.content) else { return nil }
        var items: [ReferenceValue] = []
        for entry in list["entry"]?.arrayValue ?? [] {
            guard let reference = entry["item"]?["reference"]?.stringValue else { continue }
            let parts = reference.split(separator: "/")
            if parts.count >= 2 { items.append(.local(String(parts[parts.count - 2]), String(parts[parts.count - 1]))) }
        }
        return items
    }

    /// The current resource of `type` with this canonical `url` (the latest `version` when several match).
    private func canonicalResource(_ type: String, url: String, version: String?) async throws -> JSON? {
        var condition = SearchCondition.match(param: "url", .uri(url, .exact))
        if let version { condition = .all([condition, .match(param: "version", .token(TokenValue(system: .any, code: version)))]) }
        let page = try await store.search(SearchQuery(type: type, condition: condition, limit: 20))
        let resources = page.resources.compactMap { try? JSON.parse($0.content) }
        return resources.max { ($0["version"]?.stringValue ?? "") < ($1["version"]?.stringValue ?? "") }
    }

    static func splitCanonical(_ url: String) -> (String, String?) {
        guard let bar = url.lastIndex(of: "|") else { return (url, nil) }
        return (String(url[..<bar]), String(url[url.index(after: bar)...]))
    }
}
