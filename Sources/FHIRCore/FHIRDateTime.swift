#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A FHIR `dateTime`: a date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) or a date and time with seconds, an optional
/// fraction and a mandatory time zone (`2015-02-07T13:28:17.239+02:00`), with its precision and the range of time
/// it covers.
///
/// Values without a time zone (dates) have their bounds computed in UTC.
public struct FHIRDateTime: Sendable, Hashable, CustomStringConvertible {
    /// The text the value was parsed from.
    public let text: String
    private let parts: DateTimeParts

    /// Parses a FHIR dateTime; nil when `text` is not one (no time zone after a time, `24:00:00`, `2015-02-30`...).
    public init?(_ text: String) {
        guard let parts = DateTimeParts.parse(text, as: .dateTime) else { return nil }
        self.text = text
        self.parts = parts
    }

    /// From `.year` to `.fraction`.
    public var precision: DateTimePrecision { parts.precision }
    /// How many digits the fraction of a second has (0 unless the precision is `.fraction`).
    public var fractionDigits: Int { parts.fractionDigits }
    /// The time-zone offset east of UTC in seconds, nil when the value has no time.
    public var timeZoneOffset: Int? { parts.offsetSeconds }
    /// The first instant the value covers.
    public var lowerBound: Date { parts.lowerBound }
    /// The first instant after the range the value covers (`2015-02-07T13:28:17Z` -> `...:18Z`).
    public var upperBound: Date { parts.upperBound }
    /// The original text.
    public var description: String { text }
}
