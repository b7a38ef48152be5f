import FHIRCore
import Store

/// Parses the search of a conditional interaction (`If-None-Exist`, `PUT/DELETE/PATCH Type?...`, conditional
/// references `Type?...`) into a ``SearchQuery``.
///
/// Conditional interactions must not match more than the client meant, so every parameter must be understood:
/// `_id` and the resource type's token parameters (identifier, code, status, ...). Anything else is a 400 rather
/// than being ignored.
enum ConditionalQuery {
    /// Parameters that shape the response rather than the match, ignored here.
    static let resultParameters: Set<String> = ["_format", "_pretty", "_summary", "_elements", "_count"]

    static func parse(type: String, query: String) throws(FHIRError) -> SearchQuery {
        try parse(type: type, items: QueryString.parse(query))
    }

    static func parse(type: String, items: [FHIRRequest.QueryItem]) throws(FHIRError) -> SearchQuery {
        var resultIDs: [String] = []
        var tokens: [TokenCondition] = []
        var sawCriterion = false
        var sawID = false
        for item in items where !resultParameters.contains(item.name) {
            let (name, modifier) = splitModifier(item.name)
            if name == "_id", modifier == nil {
                let ids = item.value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                // AND of two `_id` lists: keep the intersection (an impossible id when it is empty).
                resultIDs = sawID ? resultIDs.filter(ids.contains) : ids
                if resultIDs.isEmpty { resultIDs = ["\u{0}"] }
                sawID = true
                sawCriterion = true
                continue
            }
            guard modifier == nil || modifier == "exact", let definition = R4.searchParameters.parameter(for: type, code: name),
                  definition.type == .token else {
                throw FHIRError(.invalid, "Search parameter '\(item.name)' is not supported in a conditional request on \(type) (supported: _id and token parameters such as identifier)", issueType: "not-supported")
            }
            let values = try item.value.split(separator: ",", omittingEmptySubsequences: false).map { v throws(FHIRError) in
                try parseToken(String(v), parameter: item.name)
            }
            tokens.append(TokenCondition(param: name, values: values))
            sawCriterion = true
        }
        guard sawCriterion else {
            throw FHIRError(.invalid, "A conditional request needs at least one search criterion", issueType: "required")
        }
        return SearchQuery(type: type, ids: resultIDs, tokens: tokens)
    }

    /// `code`, `system|code`, `|code`, `system|`.
    static func parseToken(_ raw: String, parameter: String) throws(FHIRError) -> TokenValue {
        let value = unescape(raw)
        guard !value.isEmpty else {
            throw FHIRError(.invalid, "Empty value for search parameter '\(parameter)'", issueType: "value")
        }
        guard let bar = findUnescapedBar(raw) else { return TokenValue(system: .any, code: value) }
        let system = unescape(String(raw[..<bar]))
        let code = unescape(String(raw[raw.index(after: bar)...]))
        if system.isEmpty {
            guard !code.isEmpty else { throw FHIRError(.invalid, "'|' alone is not a token value ('\(parameter)')", issueType: "value") }
            return TokenValue(system: .none, code: code)
        }
        return TokenValue(system: .exactly(system), code: code.isEmpty ? nil : code)
    }

    private static func findUnescapedBar(_ s: String) -> String.Index? {
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == "\\" { i = s.index(after: i); if i < s.endIndex { i = s.index(after: i) }; continue }
            if s[i] == "|" { return i }
            i = s.index(after: i)
        }
        return nil
    }

    /// FHIR search escaping: `\|`, `\,`, `\$`, `\\`.
    private static func unescape(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        var out = ""
        var escaped = false
        for c in s {
            if escaped { out.append(c); escaped = false } else if c == "\\" { escaped = true } else { out.append(c) }
        }
        return out
    }

    private static func splitModifier(_ name: String) -> (String, String?) {
        guard let colon = name.firstIndex(of: ":") else { return (name, nil) }
        return (String(name[..<colon]), String(name[name.index(after: colon)...]))
    }
}
