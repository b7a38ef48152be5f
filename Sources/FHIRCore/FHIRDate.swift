#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A FHIR `date`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, with its precision and the range of time it covers.
///
/// Dates have no time zone; their bounds are computed in UTC.
public struct FHIRDate: Sendable, Hashable, CustomStringConvertible {
    /// The text the value was parsed from.
    public let text: String
    private let parts: DateTimeParts

    /// Parses a FHIR date; nil when `text` is not one (`2015-02-30`, `2015-2-1` and `0000` are not).
    public init?(_ text: String) {
        guard let parts = DateTimeParts.parse(text, as: .date) else { return nil }
        self.text = text
        self.parts = parts
    }

    /// `.year`, `.month` or `.day`.
    public var precision: DateTimePrecision { parts.precision }
    /// The year (1...9999).
    public var year: Int { parts.year }
    /// The month (1...12), nil at year precision.
    public var month: Int? { precision >= .month ? parts.month : nil }
    /// The day of the month, nil above day precision.
    public var day: Int? { precision >= .day ? parts.day : nil }
    /// The first instant the value covers (`2015` -> 2015-01-01T00:00:00Z).
    public var lowerBound: Date { parts.lowerBound }
    /// The first instant after the range the value covers (`2015` -> 2016-01-01T00:00:00Z).
    public var upperBound: Date { parts.upperBound }
    /// The original text.
    public var description: String { text }
}
