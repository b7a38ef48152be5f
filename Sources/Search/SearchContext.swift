import Store

/// What the query parser needs to look up on the server: terminology (for the token modifiers `:in`, `:not-in`,
/// `:below`, `:above`) and Lists (for `_list`). The server implements it over its store.
public protocol SearchContext: Sendable {
    /// Codes of a ValueSet stored on the server (its expansion.contains, else compose.include concepts / whole
    /// systems), nil if unknown.
    func valueSet(url: String) async throws -> [TokenValue]?
    /// For token :below / :above: the codes of `system` below (descendants, incl. itself) or above (ancestors, incl.
    /// itself) `code` per a CodeSystem stored on the server, nil if unknown.
    func subsumption(system: String, code: String, below: Bool) async throws -> [String]?
    /// The items of List/id (for `_list`), nil if no such List.
    func listItems(id: String) async throws -> [ReferenceValue]?
}

/// A ``SearchContext`` that knows no ValueSet, CodeSystem or List: `:in`, `:below`, `:above` are then invalid and
/// `_list` matches nothing. For tests and for callers that need none of them.
public struct EmptySearchContext: SearchContext {
    public init() {}
    public func valueSet(url: String) async throws -> [TokenValue]? { nil }
    public func subsumption(system: String, code: String, below: Bool) async throws -> [String]? { nil }
    public func listItems(id: String) async throws -> [ReferenceValue]? { nil }
}
