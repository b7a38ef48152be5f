/// The scopes of a request or a token, in the order first written, without duplicates.
///
/// Parsing keeps what this server understands (`scopes`) apart from what it does not (`unrecognised`): per
/// RFC 6749 §3.3 the server grants a subset and says so, rather than failing the whole request.
public struct ScopeSet: Sendable, Hashable, CustomStringConvertible {
    /// The recognised scopes.
    public private(set) var scopes: [SMARTScope]
    /// Scope tokens this server does not recognise, as written.
    public private(set) var unrecognised: [String]

    /// A set of already typed scopes.
    public init(_ scopes: [SMARTScope] = []) {
        self.scopes = []
        self.unrecognised = []
        for scope in scopes { insert(scope) }
    }

    /// Parses a space-separated `scope` parameter (RFC 6749 §3.3).
    public init(parsing text: String) {
        self.init()
        for token in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            if let scope = SMARTScope(token) { insert(scope) } else if !unrecognised.contains(String(token)) { unrecognised.append(String(token)) }
        }
    }

    /// Adds `scope` unless already present.
    public mutating func insert(_ scope: SMARTScope) {
        if !scopes.contains(scope) { scopes.append(scope) }
    }

    /// Whether `scope` is present.
    public func contains(_ scope: SMARTScope) -> Bool { scopes.contains(scope) }

    /// The resource scopes alone.
    public var resourceScopes: [ResourceScope] {
        scopes.compactMap { if case .resource(let scope) = $0 { scope } else { nil } }
    }

    /// Keeps only the scopes for which `isIncluded` holds.
    public func filter(_ isIncluded: (SMARTScope) -> Bool) -> ScopeSet {
        ScopeSet(scopes.filter(isIncluded))
    }

    /// Whether any scope at all is present.
    public var isEmpty: Bool { scopes.isEmpty }

    /// The recognised scopes as a space-separated `scope` value.
    public var description: String { scopes.map(\.text).joined(separator: " ") }
}
