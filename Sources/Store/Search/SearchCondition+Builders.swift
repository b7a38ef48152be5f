extension SearchCondition {
    /// `param` has one of these codes (of `system`, when given): `param=system|a,system|b`.
    public static func token(_ param: String, system: String? = nil, _ codes: [String]) -> SearchCondition {
        let matches = codes.map { SearchCondition.match(param: param, .token(TokenValue(system: system.map { .exactly($0) } ?? .any, code: $0))) }
        return matches.count == 1 ? matches[0] : .any(matches)
    }

    /// `param` refers to the local resource `type/id`.
    public static func reference(_ param: String, _ type: String, _ id: String) -> SearchCondition {
        .match(param: param, .reference(.local(type: type, id: id)))
    }
}
