import Foundation
import FHIRCore
import Store

extension ConditionBuilder {
    /// One (still escaped) value of a parameter of `type`, without modifier, as a ``ValueMatch``.
    func valueMatch(_ type: SearchParameterType, raw: String, name: String, referenceType: String? = nil) throws -> ValueMatch {
        switch type {
        case .token:
            return .token(try tokenValue(raw, name: name))
        case .string:
            return .string(SearchText.normalize(SearchEscaping.unescape(raw)), .startsWith)
        case .uri:
            return .uri(SearchEscaping.unescape(raw), .exact)
        case .date:
            let (comparison, range) = try dateValue(SearchEscaping.unescape(raw), name: name)
            return .date(comparison, range)
        case .number:
            let (comparison, text) = try prefixed(SearchEscaping.unescape(raw), name: name)
            guard let number = SearchNumber.range(text) else { throw Self.bad("number", raw, name) }
            return .number(comparison, comparison == .ap ? Self.approximate(number) : number)
        case .quantity:
            return try quantityMatch(raw, name: name)
        case .reference:
            return .reference(try referenceMatch(SearchEscaping.unescape(raw), type: referenceType, name: name))
        case .composite, .special:
            throw FHIRError(.invalid, "A \(type.rawValue) value cannot be used here (\(name))", issueType: "not-supported", expression: [name])
        }
    }

    /// `code`, `system|code`, `|code`, `system|`.
    func tokenValue(_ raw: String, name: String) throws -> TokenValue {
        let parts = SearchEscaping.split(raw, on: "|")
        guard parts.count <= 2 else { throw Self.bad("token", raw, name) }
        if parts.count == 1 {
            let code = SearchEscaping.unescape(parts[0])
            guard !code.isEmpty else { throw Self.bad("token", raw, name) }
            return TokenValue(system: .any, code: code)
        }
        let system = SearchEscaping.unescape(parts[0]), code = SearchEscaping.unescape(parts[1])
        if system.isEmpty {
            guard !code.isEmpty else { throw Self.bad("token", raw, name) }
            return TokenValue(system: .none, code: code)
        }
        return TokenValue(system: .exactly(system), code: code.isEmpty ? nil : code)
    }

    /// A prefixed date (`ge2015-03`) as the comparison and the range of the date; `ap` widened by 10% of the
    /// distance from now.
    func dateValue(_ text: String, name: String) throws -> (Comparison, DateRange) {
        let (comparison, dateText) = try prefixed(text, name: name)
        guard var range = SearchDate.range(dateText) else { throw Self.bad("date", text, name) }
        if comparison == .ap {
            let nowMicros = SearchDate.microseconds(now)
            let lowWiden = Int64((Double(nowMicros) - Double(range.low)).magnitude * 0.1)
            let highWiden = Int64((Double(range.high) - Double(nowMicros)).magnitude * 0.1)
            range = DateRange(low: range.low &- lowWiden, high: range.high &+ highWiden)
        }
        return (comparison, range)
    }

    /// `[prefix]number|system|code`, converted to the canonical UCUM unit when the unit is in the table.
    private func quantityMatch(_ raw: String, name: String) throws -> ValueMatch {
        let parts = SearchEscaping.split(raw, on: "|").map(SearchEscaping.unescape)
        guard parts.count == 1 || parts.count == 3 else { throw Self.bad("quantity", raw, name) }
        let (comparison, text) = try prefixed(parts[0], name: name)
        guard var number = SearchNumber.range(text) else { throw Self.bad("quantity", raw, name) }
        let system = parts.count == 3 && !parts[1].isEmpty ? parts[1] : nil
        var code = parts.count == 3 && !parts[2].isEmpty ? parts[2] : nil
        var converted = false
        if let c = code, system == nil || system == UCUM.system, let canonical = UCUM.canonical(c) {
            number = number.scaled(by: canonical.factor)
            code = canonical.code
            converted = true
        }
        return .quantity(comparison, comparison == .ap ? Self.approximate(number) : number,
                         system: converted ? UCUM.system : system, code: code, canonical: converted)
    }

    /// `123`, `Type/123`, `Type/123/_history/2`, an absolute URL (local when under the base URL), `url|version`.
    func referenceMatch(_ text: String, type: String?, name: String) throws -> ReferenceMatch {
        guard !text.isEmpty else { throw Self.bad("reference", text, name) }
        // A versioned canonical.
        if let bar = text.lastIndex(of: "|") {
            let url = String(text[..<bar]), version = String(text[text.index(after: bar)...])
            guard !url.isEmpty else { throw Self.bad("reference", text, name) }
            // On this server, a canonical is a local reference (as the index builder keeps it).
            if let local = IndexValues.localPart(of: url, baseURL: parser.baseURL), let parsed = ReferenceParser.parse(local),
               parsed.kind == .relative, let t = parsed.type, let id = parsed.id, parsed.version == nil {
                return .local(type: t, id: id, version: version.isEmpty ? nil : version)
            }
            return .url(url, version: version.isEmpty ? nil : version)
        }
        var candidate = text
        if let local = IndexValues.localPart(of: text, baseURL: parser.baseURL) { candidate = local }
        if !candidate.contains(":") {
            if !candidate.contains("/") {
                guard FHIRPrimitive.isValidID(candidate) else { throw Self.bad("reference", text, name) }
                return .local(type: type, id: candidate)
            }
            guard let parsed = ReferenceParser.parse(candidate), parsed.kind == .relative, let t = parsed.type,
                  let id = parsed.id else { throw Self.bad("reference", text, name) }
            if let type, type != t {
                throw FHIRError(.invalid, "The reference '\(text)' is not a \(type) (\(name))", issueType: "value", expression: [name])
            }
            return .local(type: t, id: id, version: parsed.version)
        }
        return .url(text)
    }

    /// Splits a search prefix (`ge`, `ap`...) off an ordered value; `eq` when there is none.
    func prefixed(_ text: String, name: String) throws -> (Comparison, String) {
        let utf8 = Array(text.utf8.prefix(2))
        guard utf8.count == 2, utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) }) else { return (.eq, text) }
        guard let comparison = Comparison(rawValue: String(text.prefix(2))) else {
            throw FHIRError(.invalid, "Unknown search prefix '\(text.prefix(2))' in '\(text)' (\(name)); expected eq, ne, gt, lt, ge, le, sa, eb or ap",
                            issueType: "value", expression: [name])
        }
        return (comparison, String(text.dropFirst(2)))
    }

    /// The range of `ap`: the implied range widened to at least 10% of the value either side.
    static func approximate(_ number: NumberRange) -> NumberRange {
        let margin = number.value.magnitude * 0.1
        return NumberRange(value: number.value, low: min(number.low, number.value - margin), high: max(number.high, number.value + margin))
    }

    static func bad(_ kind: String, _ raw: String, _ name: String) -> FHIRError {
        FHIRError(.invalid, "'\(raw)' is not a valid \(kind) value for the search parameter '\(name)'", issueType: "value", expression: [name])
    }
}
