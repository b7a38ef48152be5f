/// How much of a FHIR date, dateTime, instant or time value was given: `2015` is `.year`, `2015-02-07` is `.day`,
/// `2015-02-07T13:28:17-05:00` is `.second`, `13:28:17.239` is `.fraction`.
///
/// FHIR R4 only allows a time of day with seconds, so there is no minute precision.
public enum DateTimePrecision: Int, Sendable, Hashable, Comparable, CaseIterable {
    /// `YYYY`.
    case year
    /// `YYYY-MM`.
    case month
    /// `YYYY-MM-DD`.
    case day
    /// Down to the second.
    case second
    /// Down to a fraction of a second (the value's `fractionDigits` says how fine).
    case fraction

    /// Orders from the coarsest (`.year`) to the finest (`.fraction`).
    public static func < (lhs: DateTimePrecision, rhs: DateTimePrecision) -> Bool { lhs.rawValue < rhs.rawValue }
}
