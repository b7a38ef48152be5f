import Foundation
import FHIRCore
import Store

/// Turns one search criterion (`name=value`, with modifiers, chains and `_has`) into a ``SearchCondition``.
struct ConditionBuilder: Sendable {
    let parser: SearchParser
    let now: Date
    let context: any SearchContext

    private var registry: SearchParameterRegistry { parser.registry }

    /// The condition of `name=value` on resources of `types` (one type, or the `_type`s / `Resource` of a system
    /// search). Throws ``UnknownParameter`` for a parameter unknown on those types, `FHIRError` for a bad value.
    func condition(name: String, value: String, types: [String]) async throws -> SearchCondition {
        if name.hasPrefix("_has:") { return try await reverseChain(name: name, value: value, types: types) }
        var head = Substring(name)
        var tail: Substring?
        if let dot = name.firstIndex(of: ".") {
            head = name[..<dot]
            tail = name[name.index(after: dot)...]
        }
        let (code, modifier) = SearchParser.splitModifier(String(head))
        if let tail {
            return try await chain(code: code, modifier: modifier, tail: String(tail), value: value, name: name, types: types)
        }
        switch code {
        case "_id":
            guard modifier == nil else { throw SearchParser.badModifier(name) }
            let ids = SearchEscaping.split(value, on: ",").map(SearchEscaping.unescape)
            return .ids(ids)
        case "_lastUpdated":
            guard modifier == nil else { throw SearchParser.badModifier(name) }
            let alternatives = try SearchEscaping.split(value, on: ",").map { raw throws -> SearchCondition in
                let (comparison, range) = try dateValue(SearchEscaping.unescape(raw), name: name)
                return .lastUpdated(comparison, range)
            }
            return Self.or(alternatives)
        default:
            break
        }
        if SearchParser.unsupported.contains(code) {
            throw UnknownParameter(message: "Search parameter '\(code)' is not supported")
        }
        guard let definition = parser.definition(code, on: types) else {
            throw UnknownParameter(message: "Unknown search parameter '\(code)' for \(types.joined(separator: ", "))")
        }
        guard definition.type != .special else {
            throw UnknownParameter(message: "The special search parameter '\(code)' is not supported")
        }
        return try await condition(definition: definition, modifier: modifier, value: value, name: name)
    }

    // MARK: one parameter

    private func condition(definition: SearchParameterDefinition, modifier: String?, value: String,
                           name: String) async throws -> SearchCondition {
        let code = definition.code
        let type = definition.type
        if modifier == "missing" {
            guard value == "true" || value == "false" else {
                throw FHIRError(.invalid, "':missing' takes true or false, not '\(value)' (\(name))", issueType: "value", expression: [name])
            }
            return .missing(param: code, type: type, missing: value == "true")
        }
        try checkModifier(modifier, definition: definition, name: name)
        let raws = SearchEscaping.split(value, on: ",")
        switch (type, modifier) {
        case (.token, "text"?):
            return Self.or(raws.map { .match(param: code, .tokenText(SearchText.normalize(SearchEscaping.unescape($0)))) })
        case (.token, "not"?):
            let matches = try raws.map { SearchCondition.match(param: code, .token(try tokenValue($0, name: name))) }
            return .not(.any(matches))
        case (.token, "of-type"?):
            return Self.or(try raws.map { raw in
                let parts = SearchEscaping.split(raw, on: "|").map(SearchEscaping.unescape)
                guard parts.count == 3, !parts[1].isEmpty, !parts[2].isEmpty else {
                    throw FHIRError(.invalid, "':of-type' takes system|code|value, not '\(raw)' (\(name))", issueType: "value", expression: [name])
                }
                return .match(param: code, .identifierOfType(typeSystem: parts[0].isEmpty ? nil : parts[0], typeCode: parts[1], value: parts[2]))
            })
        case (.token, "in"?), (.token, "not-in"?):
            var matches: [SearchCondition] = []
            for raw in raws {
                let url = SearchEscaping.unescape(raw)
                guard let tokens = try await context.valueSet(url: url) else {
                    throw FHIRError(.invalid, "Unknown ValueSet '\(url)' (\(name))", issueType: "value", expression: [name])
                }
                matches += tokens.map { .match(param: code, .token($0)) }
            }
            return modifier == "in" ? .any(matches) : .not(.any(matches))
        case (.token, "below"?), (.token, "above"?):
            var matches: [SearchCondition] = []
            for raw in raws {
                let token = try tokenValue(raw, name: name)
                guard case .exactly(let system) = token.system, let c = token.code else {
                    throw FHIRError(.invalid, "':\(modifier!)' takes system|code, not '\(raw)' (\(name))", issueType: "value", expression: [name])
                }
                guard let codes = try await context.subsumption(system: system, code: c, below: modifier == "below") else {
                    throw FHIRError(.invalid, "No CodeSystem '\(system)' is known to find the codes \(modifier!) '\(c)' (\(name))",
                                    issueType: "not-supported", expression: [name])
                }
                matches += codes.map { .match(param: code, .token(TokenValue(system: .exactly(system), code: $0))) }
            }
            return .any(matches)
        case (.reference, "identifier"?):
            return Self.or(try raws.map { .match(param: code, .referenceIdentifier(try tokenValue($0, name: name))) })
        case (.uri, "below"?), (.uri, "above"?):
            let mode: UriMode = modifier == "below" ? .below : .above
            return Self.or(raws.map { .match(param: code, .uri(SearchEscaping.unescape($0), mode)) })
        case (.string, "exact"?), (.string, "contains"?):
            let mode: StringMode = modifier == "exact" ? .exact : .contains
            return Self.or(raws.map { raw in
                let text = SearchEscaping.unescape(raw)
                return .match(param: code, .string(mode == .exact ? text : SearchText.normalize(text), mode))
            })
        case (.composite, nil):
            return Self.or(try raws.map { try compositeCondition($0, definition: definition, name: name) })
        case (.reference, let typeModifier?):
            // `:[type]`, checked by checkModifier.
            return Self.or(try raws.map { .match(param: code, try valueMatch(.reference, raw: $0, name: name, referenceType: typeModifier)) })
        default:
            return Self.or(try raws.map { .match(param: code, try valueMatch(type, raw: $0, name: name)) })
        }
    }

    /// Throws unless `modifier` is one that the parameter's type allows.
    private func checkModifier(_ modifier: String?, definition: SearchParameterDefinition, name: String) throws {
        guard let modifier else { return }
        let allowed: Set<String>
        switch definition.type {
        case .token: allowed = ["text", "not", "above", "below", "in", "not-in", "of-type"]
        case .string: allowed = ["exact", "contains"]
        case .uri: allowed = ["above", "below"]
        case .reference:
            if modifier == "identifier" { return }
            if ReferenceParserShape.isTypeName(modifier) {
                guard definition.target.isEmpty || definition.target.contains(modifier) else {
                    throw FHIRError(.invalid, "'\(definition.code)' cannot refer to \(modifier) (\(name))", issueType: "value", expression: [name])
                }
                return
            }
            allowed = []
        default: allowed = []
        }
        guard allowed.contains(modifier) else {
            throw FHIRError(.invalid, "The modifier ':\(modifier)' is not valid for the \(definition.type.rawValue) parameter '\(definition.code)' (\(name))",
                            issueType: "not-supported", expression: [name])
        }
    }

    private func compositeCondition(_ raw: String, definition: SearchParameterDefinition, name: String) throws -> SearchCondition {
        let parts = SearchEscaping.split(raw, on: "$")
        guard parts.count == definition.components.count else {
            throw FHIRError(.invalid, "'\(definition.code)' takes \(definition.components.count) values separated by '$', not '\(raw)'",
                            issueType: "value", expression: [name])
        }
        var matches: [ValueMatch] = []
        for (part, component) in zip(parts, definition.components) {
            guard let type = registry.parameter(url: component.definition)?.type else {
                throw FHIRError(.invalid, "The composite parameter '\(definition.code)' refers to an unknown parameter \(component.definition)",
                                issueType: "not-supported", expression: [name])
            }
            matches.append(try valueMatch(type, raw: part, name: name))
        }
        return .composite(param: definition.code, matches)
    }

    // MARK: chains

    private func chain(code: String, modifier: String?, tail: String, value: String, name: String,
                       types: [String]) async throws -> SearchCondition {
        guard let definition = parser.definition(code, on: types) else {
            throw UnknownParameter(message: "Unknown search parameter '\(code)' for \(types.joined(separator: ", ")) in the chain '\(name)'")
        }
        guard definition.type == .reference else {
            throw FHIRError(.invalid, "'\(code)' is not a reference parameter and cannot be chained (\(name))", issueType: "invalid", expression: [name])
        }
        var targets = definition.target
        if let modifier {
            guard ReferenceParserShape.isTypeName(modifier), targets.isEmpty || targets.contains(modifier) else {
                throw FHIRError(.invalid, "'\(code)' cannot refer to '\(modifier)' (\(name))", issueType: "value", expression: [name])
            }
            targets = [modifier]
        }
        let nextCode = String(tail.prefix { $0 != "." && $0 != ":" })
        var alternatives: [SearchCondition] = []
        for target in targets {
            // Untyped chains go to every target type that has the chained parameter.
            if modifier == nil, !Self.hasParameter(nextCode, on: target, registry: registry) { continue }
            let inner = try await condition(name: tail, value: value, types: [target])
            alternatives.append(.chain(param: code, targetType: target, inner))
        }
        guard !alternatives.isEmpty else {
            throw UnknownParameter(message: "No target of '\(code)' has the search parameter '\(nextCode)' (\(name))")
        }
        return alternatives.count == 1 ? alternatives[0] : .any(alternatives)
    }

    /// `_has:Type:param:rest=value`: resources referred to through `param` by a `Type` satisfying `rest=value`.
    private func reverseChain(name: String, value: String, types: [String]) async throws -> SearchCondition {
        let parts = name.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, !parts[3].isEmpty else {
            throw FHIRError(.invalid, "_has must be _has:Type:param:parameter, not '\(name)'", issueType: "invalid", expression: [name])
        }
        let sourceType = parts[1], param = parts[2]
        guard R4.resourceTypes.contains(sourceType) else {
            throw FHIRError(.invalid, "Unknown resource type '\(sourceType)' in '\(name)'", issueType: "value", expression: [name])
        }
        guard let definition = registry.parameter(for: sourceType, code: param) else {
            throw UnknownParameter(message: "Unknown search parameter '\(param)' for \(sourceType) in '\(name)'")
        }
        guard definition.type == .reference else {
            throw FHIRError(.invalid, "'\(param)' of \(sourceType) is not a reference parameter (\(name))", issueType: "invalid", expression: [name])
        }
        let inner = try await condition(name: parts[3], value: value, types: [sourceType])
        return .reverseChain(sourceType: sourceType, param: param, inner)
    }

    static func hasParameter(_ code: String, on type: String, registry: SearchParameterRegistry) -> Bool {
        if code == "_id" || code == "_lastUpdated" || code == "_has" { return true }
        return registry.parameter(for: type, code: code) != nil
    }

    static func or(_ alternatives: [SearchCondition]) -> SearchCondition {
        alternatives.count == 1 ? alternatives[0] : .any(alternatives)
    }
}

/// The shape of a resource type name (`Patient`): an upper-case ASCII letter, then ASCII letters and digits.
enum ReferenceParserShape {
    static func isTypeName(_ text: some StringProtocol) -> Bool {
        guard let first = text.utf8.first, first >= 65, first <= 90 else { return false }
        return text.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) }
    }
}
