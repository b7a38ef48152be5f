/// A token filter on `type` or `subtype`: `system|code`, or a code in any system.
public struct AuditCodeFilter: Sendable, Hashable {
    /// The code system, or nil for any.
    public var system: String?
    /// The code.
    public var code: String

    /// A filter on `code` in `system` (any system when nil).
    public init(system: String? = nil, code: String) {
        self.system = system
        self.code = code
    }

    /// Reads a FHIR token: `system|code`, `|code` (no system is stored, so it matches nothing) or `code`.
    public init(token: String) {
        if let bar = token.lastIndex(of: "|") {
            self.init(system: String(token[..<bar]), code: String(token[token.index(after: bar)...]))
        } else {
            self.init(code: token)
        }
    }
}
