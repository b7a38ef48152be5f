import FHIRCore

/// A compiled FHIRPath expression (FHIRPath N1 as used by FHIR R4): parse once, evaluate many times.
///
/// ```swift
/// let codes = try FHIRPathExpression("Observation.code.coding | Observation.component.code.coding")
/// let items = try codes.evaluate(observation)
/// ```
/// Malformed expressions throw ``FHIRError`` (`.invalid`) from the initialiser; evaluation errors that the
/// specification calls for (e.g. `single()` on several items, `1 + 'a'`) throw from ``evaluate(_:environment:)``.
public struct FHIRPathExpression: Sendable, CustomStringConvertible {
    /// The expression's text.
    public let text: String
    let syntax: FHIRPathSyntax

    /// Compiles `text`; throws `FHIRError(.invalid)` when it is not a well-formed FHIRPath expression.
    public init(_ text: String) throws(FHIRError) {
        self.text = text
        self.syntax = try FHIRPathParser.parse(text)
    }

    /// Evaluates the expression on a resource (which is also `%resource`, `%rootResource` and `%context`).
    ///
    /// - Parameter environment: extra variables, by name without `%` (`%ucum`, `%sct`, `%loinc` are predefined).
    /// - Returns: the result collection, in order.
    public func evaluate(_ resource: JSON, environment: [String: [FHIRPathValue]] = [:]) throws(FHIRError) -> [FHIRPathValue] {
        let root = FHIRPathElement(resource: resource) ?? FHIRPathElement(untyped: resource)
        return try evaluate(.element(root), rootResource: resource, environment: environment)
    }

    /// Evaluates the expression on any item (an element of a resource, a System value), with `rootResource` as
    /// `%resource` for `resolve()` and variables.
    public func evaluate(_ item: FHIRPathValue, rootResource: JSON? = nil, environment: [String: [FHIRPathValue]] = [:]) throws(FHIRError) -> [FHIRPathValue] {
        let evaluator = FHIRPathEvaluator(context: item, rootResource: rootResource, environment: environment)
        return try evaluator.evaluate(syntax)
    }

    public var description: String { text }
}

extension FHIRPathExpression {
    /// Evaluates the expression as a boolean (for invariants and filters): true only for a single `true`.
    public func isTrue(on resource: JSON, environment: [String: [FHIRPathValue]] = [:]) throws(FHIRError) -> Bool {
        let result = try evaluate(resource, environment: environment)
        if result.count == 1, case .boolean(let b) = result[0].systemValue { return b }
        return false
    }
}
