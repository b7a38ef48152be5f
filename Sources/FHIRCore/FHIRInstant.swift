#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A FHIR `instant`: a full date and time with seconds and a time zone (`2015-02-07T13:28:17.239+02:00`), as used
/// for `meta.lastUpdated`.
public struct FHIRInstant: Sendable, Hashable, CustomStringConvertible {
    /// The text the value was parsed from.
    public let text: String
    private let parts: DateTimeParts

    /// Parses a FHIR instant; nil when `text` is not one (partial dates, no time zone, ...).
    public init?(_ text: String) {
        guard let parts = DateTimeParts.parse(text, as: .instant) else { return nil }
        self.text = text
        self.parts = parts
    }

    /// `.second` or `.fraction`.
    public var precision: DateTimePrecision { parts.precision }
    /// How many digits the fraction of a second has (0 for whole seconds).
    public var fractionDigits: Int { parts.fractionDigits }
    /// The time-zone offset east of UTC, in seconds.
    public var timeZoneOffset: Int { parts.offsetSeconds ?? 0 }
    /// The instant itself, which is also the start of the range its precision covers.
    public var lowerBound: Date { parts.lowerBound }
    /// The first instant after the range the value covers (one second, or one unit of the last fraction digit).
    public var upperBound: Date { parts.upperBound }
    /// The instant as a `Date` (same as ``lowerBound``).
    public var date: Date { parts.lowerBound }
    /// The original text.
    public var description: String { text }

    /// `date` as an instant in UTC with microseconds, `2026-11-22T03:11:58.123456Z` (for `meta.lastUpdated`).
    public static func format(_ date: Date) -> String {
        let (days, micros) = CivilCalendar.split(date)
        let (year, month, day) = CivilCalendar.civilFromDays(days)
        let secondOfDay = micros / 1_000_000
        var out: [UInt8] = []
        out.reserveCapacity(27)
        out.appendDigits(year, width: 4)
        out.append(UInt8(ascii: "-"))
        out.appendDigits(month, width: 2)
        out.append(UInt8(ascii: "-"))
        out.appendDigits(day, width: 2)
        out.append(UInt8(ascii: "T"))
        out.appendDigits(secondOfDay / 3600, width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendDigits(secondOfDay / 60 % 60, width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendDigits(secondOfDay % 60, width: 2)
        out.append(UInt8(ascii: "."))
        out.appendDigits(micros % 1_000_000, width: 6)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }
}
