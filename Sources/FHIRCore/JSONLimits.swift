/// Limits applied while parsing JSON, so hostile or broken input fails with a clear error instead of exhausting
/// the stack.
public struct JSONLimits: Sendable, Hashable {
    /// The deepest nesting of arrays and objects accepted; the outermost array or object is depth 1.
    public var maxDepth: Int

    /// Limits with the given maximum nesting depth (64 by default, far deeper than any FHIR resource).
    public init(maxDepth: Int = 64) {
        self.maxDepth = maxDepth
    }

    /// The limits used when none are given: a maximum depth of 64.
    public static let `default` = JSONLimits()
}
