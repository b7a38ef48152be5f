/// A type named in an expression (`Quantity`, `FHIR.Patient`, `System.String`).
struct FHIRPathTypeSpecifier: Sendable, Hashable, CustomStringConvertible {
    /// `FHIR`, `System`, or nil when not qualified.
    var namespace: String?
    var name: String
    var description: String { namespace.map { "\($0).\(name)" } ?? name }
}

/// The binary operators, from `*` to `implies`.
enum FHIRPathBinaryOperator: String, Sendable {
    case multiply = "*", divide = "/", div, mod
    case plus = "+", minus = "-", concatenate = "&"
    case union = "|"
    case less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="
    case equal = "=", equivalent = "~", notEqual = "!=", notEquivalent = "!~"
    case `in`, contains
    case and, or, xor, implies
}

/// The compiled form of an expression: a tree evaluated against an input collection (the focus).
indirect enum FHIRPathSyntax: Sendable {
    /// `{}`.
    case empty
    /// A literal value.
    case literal(FHIRPathValue)
    /// An identifier applied to the focus: a child element, or the focus itself when it names the resource's type.
    case member(String)
    /// A function applied to the focus.
    case function(FHIRPathFunction, [FHIRPathSyntax])
    /// `is(T)`, `as(T)`, `ofType(T)` applied to the focus.
    case typeFunction(FHIRPathFunction, FHIRPathTypeSpecifier)
    case this, index, total
    /// `%name`.
    case variable(String)
    /// `base.member`: evaluates `member` with the result of `base` as focus.
    case invoke(FHIRPathSyntax, FHIRPathSyntax)
    /// `base[index]`.
    case indexer(FHIRPathSyntax, FHIRPathSyntax)
    /// Unary minus.
    case negate(FHIRPathSyntax)
    case binary(FHIRPathBinaryOperator, FHIRPathSyntax, FHIRPathSyntax)
    /// `x is T`.
    case isType(FHIRPathSyntax, FHIRPathTypeSpecifier)
    /// `x as T`.
    case asType(FHIRPathSyntax, FHIRPathTypeSpecifier)
}
