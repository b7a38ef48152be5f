import Foundation
import FHIRCore
import Store

/// Parses a FHIR search (the decoded name/value pairs of a query string) into a backend-neutral ``ParsedSearch``:
/// every parameter type, prefix and modifier of R4, OR lists, AND by repetition, chains, reverse chains (`_has`)
/// and the result parameters (`_sort`, `_count`, `_include`...).
///
/// Malformed values are a 400 (`FHIRError(.invalid)`) whatever the strictness; an unknown parameter is a 400 when
/// `strict` (`Prefer: handling=strict`), otherwise a warning issue and the parameter is ignored.
public struct SearchParser: Sendable {
    /// The parameters understood.
    public let registry: SearchParameterRegistry
    /// The server's base URL: absolute reference values starting with it are local references.
    public let baseURL: String
    /// The page size without `_count`.
    public let defaultCount: Int
    /// The largest page size; a larger `_count` is capped with an informational issue.
    public let maxCount: Int

    public init(registry: SearchParameterRegistry = R4.searchParameters, baseURL: String, defaultCount: Int, maxCount: Int) {
        self.registry = registry
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.defaultCount = defaultCount
        self.maxCount = maxCount
    }

    /// Parameters that the R4 specification defines but Dossier does not implement: handled like unknown ones.
    static let unsupported: Set<String> = ["_text", "_content", "_query", "_filter", "_contained", "_containedType"]
    /// Parameters the server handles before the parser; ignored if they reach it.
    static let transport: Set<String> = ["_format", "_pretty", "_cursor"]

    /// Parses the search of `type` (nil for a system search over all types) made of `items` (decoded, in order).
    /// `now` anchors the `ap` prefix of dates; `context` answers terminology and List lookups.
    public func parse(type: String?, items: [(name: String, value: String)], strict: Bool, now: Date,
                      context: any SearchContext) async throws -> ParsedSearch {
        var result = ParsedSearch(count: min(defaultCount, maxCount))
        var parts: [SearchCondition] = []

        // `_type` first: a system search's other parameters are looked up on those types.
        var systemTypes: [String] = []
        var sawType = false
        for item in items where item.name == "_type" {
            let names = SearchEscaping.split(item.value, on: ",").map(SearchEscaping.unescape).filter { !$0.isEmpty }
            for name in names where !R4.resourceTypes.contains(name) {
                throw FHIRError(.invalid, "Unknown resource type '\(name)' in _type", issueType: "value", expression: ["_type"])
            }
            // Repeated `_type`s are AND-ed: the types in all of them.
            systemTypes = sawType ? systemTypes.filter(names.contains) : names
            sawType = true
        }
        // No type is in every `_type`: nothing matches (an empty `types` would mean all types).
        if sawType, systemTypes.isEmpty { parts.append(.nothing) }
        let builder = ConditionBuilder(parser: self, now: now, context: context)
        let searchTypes = type.map { [$0] } ?? (systemTypes.isEmpty ? ["Resource"] : systemTypes)

        for item in items {
            let (name, value) = item
            if Self.transport.contains(name) { continue }
            let (code, modifier) = Self.splitModifier(name)
            var understood = true
            switch code {
            case "_type":
                guard modifier == nil else { throw Self.badModifier(name) }
                if type == nil { result.types = systemTypes } else if !systemTypes.isEmpty, !parts.contains(.types(systemTypes)) {
                    parts.append(.types(systemTypes))
                }
            case "_count":
                guard modifier == nil, let n = Int(value), n >= 0 else {
                    throw FHIRError(.invalid, "_count must be a non-negative integer, not '\(value)'", issueType: "value", expression: ["_count"])
                }
                result.count = n
                if n > maxCount {
                    result.count = maxCount
                    result.issues.append(FHIRError.Issue(severity: .information, code: "informational",
                        diagnostics: "_count=\(n) exceeds the maximum page size; \(maxCount) is used", expression: ["_count"]))
                }
            case "_total":
                guard modifier == nil, let mode = TotalMode(rawValue: value) else {
                    throw FHIRError(.invalid, "_total must be none, estimate or accurate, not '\(value)'", issueType: "value", expression: ["_total"])
                }
                result.total = mode
            case "_summary":
                guard modifier == nil, let mode = SummaryMode(rawValue: value) else {
                    throw FHIRError(.invalid, "_summary must be true, text, data, count or false, not '\(value)'", issueType: "value", expression: ["_summary"])
                }
                result.summary = mode
            case "_elements":
                guard modifier == nil else { throw Self.badModifier(name) }
                let elements = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                result.elements = (result.elements ?? []) + elements
            case "_sort":
                guard modifier == nil else { throw Self.badModifier(name) }
                result.sort = try sortKeys(value, types: searchTypes)
            case "_include", "_revinclude":
                guard modifier == nil || modifier == "iterate" || modifier == "recurse" else { throw Self.badModifier(name) }
                var include = try includeParameter(value, name: name, searchType: type, iterate: modifier != nil)
                if code == "_revinclude", value == "*" {
                    // Every resource referring to the matches: any source type, targets of the searched type.
                    include = IncludeParameter(sourceType: "*", param: nil, targetType: type, iterate: include.iterate)
                }
                if code == "_include" { result.includes.append(include) } else { result.revincludes.append(include) }
            case "_list":
                guard modifier == nil else { throw Self.badModifier(name) }
                parts.append(try await listCondition(value, type: type, context: context))
            default:
                guard !value.isEmpty else {
                    result.issues.append(FHIRError.Issue(severity: .information, code: "informational",
                        diagnostics: "Search parameter '\(name)' has no value and was ignored", expression: [name]))
                    understood = false
                    break
                }
                do {
                    parts.append(try await builder.condition(name: name, value: value, types: searchTypes))
                } catch let unknown as UnknownParameter {
                    let diagnostics = unknown.message
                    if strict {
                        throw FHIRError(.invalid, diagnostics, issueType: "not-supported", expression: [name])
                    }
                    result.issues.append(FHIRError.Issue(severity: .warning, code: "not-supported",
                        diagnostics: diagnostics + "; it was ignored", expression: [name]))
                    understood = false
                }
            }
            if understood { result.canonicalItems.append((name: name, value: value)) }
        }
        result.condition = parts.count == 1 ? parts[0] : .all(parts)
        return result
    }

    // MARK: result parameters

    private func sortKeys(_ value: String, types: [String]) throws -> [SortKey] {
        var keys: [SortKey] = []
        for raw in value.split(separator: ",", omittingEmptySubsequences: false) {
            var name = raw.trimmingCharacters(in: .whitespaces)
            let descending = name.hasPrefix("-")
            if descending { name.removeFirst() }
            switch name {
            case "_id": keys.append(SortKey(.id, descending: descending))
            case "_lastUpdated": keys.append(SortKey(.lastUpdated, descending: descending))
            default:
                guard !name.isEmpty, let definition = definition(name, on: types),
                      definition.type != .composite, definition.type != .special else {
                    throw FHIRError(.invalid, "Cannot sort by '\(name)': not a sortable search parameter of \(types.joined(separator: ", "))",
                                    issueType: "not-supported", expression: ["_sort"])
                }
                keys.append(SortKey(.param(name, definition.type), descending: descending))
            }
        }
        return keys
    }

    /// `Type:param`, `Type:param:TargetType`, `Type:*`, or `*` (every reference parameter of the searched type; of
    /// every type, `sourceType` `*`, in a system search).
    private func includeParameter(_ value: String, name: String, searchType: String?, iterate: Bool) throws -> IncludeParameter {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts == ["*"] { return IncludeParameter(sourceType: searchType ?? "*", param: nil, iterate: iterate) }
        guard parts.count == 2 || parts.count == 3 else {
            throw FHIRError(.invalid, "\(name) must be Type:param or Type:param:TargetType, not '\(value)'", issueType: "value", expression: [name])
        }
        let sourceType = parts[0]
        guard R4.resourceTypes.contains(sourceType) else {
            throw FHIRError(.invalid, "Unknown resource type '\(sourceType)' in \(name)", issueType: "value", expression: [name])
        }
        let targetType = parts.count == 3 ? parts[2] : nil
        if parts[1] == "*" { return IncludeParameter(sourceType: sourceType, param: nil, targetType: targetType, iterate: iterate) }
        guard let definition = registry.parameter(for: sourceType, code: parts[1]), definition.type == .reference else {
            throw FHIRError(.invalid, "'\(parts[1])' is not a reference search parameter of \(sourceType) (\(name)=\(value))",
                            issueType: "invalid", expression: [name])
        }
        if let targetType, !definition.target.isEmpty, !definition.target.contains(targetType) {
            throw FHIRError(.invalid, "\(sourceType):\(parts[1]) cannot refer to \(targetType) (\(name)=\(value))",
                            issueType: "invalid", expression: [name])
        }
        return IncludeParameter(sourceType: sourceType, param: parts[1], targetType: targetType, iterate: iterate)
    }

    private func listCondition(_ value: String, type: String?, context: any SearchContext) async throws -> SearchCondition {
        var alternatives: [SearchCondition] = []
        for raw in SearchEscaping.split(value, on: ",") {
            let id = SearchEscaping.unescape(raw)
            guard let items = try await context.listItems(id: id) else { continue }
            var byType: [String: [String]] = [:]
            for item in items {
                guard let t = item.type, let i = item.id, type == nil || t == type else { continue }
                byType[t, default: []].append(i)
            }
            for (t, ids) in byType.sorted(by: { $0.key < $1.key }) {
                alternatives.append(type == nil ? .all([.types([t]), .ids(ids)]) : .ids(ids))
            }
        }
        return alternatives.count == 1 ? alternatives[0] : .any(alternatives)
    }

    // MARK: helpers

    /// The definition of `code` that applies to every one of `types` (`Resource` for a system search).
    func definition(_ code: String, on types: [String]) -> SearchParameterDefinition? {
        guard let first = types.first, let definition = registry.parameter(for: first, code: code) else { return nil }
        for other in types.dropFirst() {
            guard let d = registry.parameter(for: other, code: code), d.type == definition.type else { return nil }
        }
        return definition
    }

    /// `code:modifier` -> (`code`, `modifier`).
    static func splitModifier(_ name: String) -> (String, String?) {
        guard let colon = name.firstIndex(of: ":") else { return (name, nil) }
        return (String(name[..<colon]), String(name[name.index(after: colon)...]))
    }

    static func badModifier(_ name: String) -> FHIRError {
        FHIRError(.invalid, "The modifier in '\(name)' is not supported for this parameter", issueType: "not-supported", expression: [name])
    }
}

/// A parameter that is not known (or not supported) for the searched type: an error or a warning depending on
/// the handling the client asked for.
struct UnknownParameter: Error {
    var message: String
}
