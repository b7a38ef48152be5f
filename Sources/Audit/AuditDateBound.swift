import Foundation

/// One bound of a `date` filter on `recorded`, as the FHIR `ge`/`gt`/`le`/`lt` prefixes say. A range is two bounds.
public struct AuditDateBound: Sendable, Hashable {
    /// How `recorded` compares to the bound.
    public enum Comparison: String, Sendable, Hashable {
        /// `recorded >= date`.
        case greaterOrEqual = "ge"
        /// `recorded > date`.
        case greater = "gt"
        /// `recorded <= date`.
        case lessOrEqual = "le"
        /// `recorded < date`.
        case less = "lt"
    }

    /// The comparison.
    public var comparison: Comparison
    /// The instant compared with (kept to the microsecond).
    public var date: Date

    /// A bound `recorded <comparison> date`.
    public init(_ comparison: Comparison, _ date: Date) {
        self.comparison = comparison
        self.date = date
    }
}
