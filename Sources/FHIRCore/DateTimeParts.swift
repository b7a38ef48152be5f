#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The parsed pieces of a FHIR date, dateTime, instant or time, shared by their typed values.
///
/// Hand-coded from the R4 regular expressions: year 0001-9999, month 01-12, a day that exists in that month (leap
/// years included), hours 00-23, minutes 00-59, seconds 00-60 (leap second), any number of fraction digits, and a
/// time zone `Z` or `+hh:mm`/`-hh:mm` from -14:00 to +14:00.
struct DateTimeParts: Sendable, Hashable {
    var year = 0
    var month = 1
    var day = 1
    var hour = 0
    var minute = 0
    var second = 0
    /// The fraction of a second, as an integer of `fractionDigits` digits (`.250` is 250 with 3 digits).
    var fraction: Int64 = 0
    var fractionDigits = 0
    /// The time-zone offset east of UTC, in seconds; nil when the text has none.
    var offsetSeconds: Int?
    var precision = DateTimePrecision.year

    enum Form { case date, dateTime, instant }

    /// Parses `text` in the given form; nil when it does not match the R4 grammar.
    static func parse(_ text: String, as form: Form) -> DateTimeParts? {
        var text = text
        return text.withUTF8 { parse(bytes: $0, as: form) }
    }

    static func parse(bytes b: UnsafeBufferPointer<UInt8>, as form: Form) -> DateTimeParts? {
        var parts = DateTimeParts()
        let n = b.count
        guard n >= 4, let year = digits(b, 0, 4), year >= 1 else { return nil }
        parts.year = year
        if n == 4 { return form == .instant ? nil : parts }
        guard n >= 7, b[4] == UInt8(ascii: "-"), let month = digits(b, 5, 2), (1...12).contains(month) else { return nil }
        parts.month = month
        parts.precision = .month
        if n == 7 { return form == .instant ? nil : parts }
        guard n >= 10, b[7] == UInt8(ascii: "-"), let day = digits(b, 8, 2), day >= 1,
              day <= CivilCalendar.daysInMonth(year: year, month: month) else { return nil }
        parts.day = day
        parts.precision = .day
        if n == 10 { return form == .instant ? nil : parts }
        guard form != .date, b[10] == UInt8(ascii: "T") else { return nil }
        var i = 11
        guard parseTime(b, &i, into: &parts), i < n else { return nil }
        // A time zone is mandatory when there is a time.
        if b[i] == UInt8(ascii: "Z") {
            parts.offsetSeconds = 0
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard i + 6 <= n, let hours = digits(b, i + 1, 2), b[i + 3] == UInt8(ascii: ":"),
                  let minutes = digits(b, i + 4, 2), minutes < 60,
                  hours < 14 || (hours == 14 && minutes == 0) else { return nil }
            let offset = hours * 3600 + minutes * 60
            parts.offsetSeconds = b[i] == UInt8(ascii: "-") ? -offset : offset
            i += 6
        } else {
            return nil
        }
        return i == n ? parts : nil
    }

    /// Parses `hh:mm:ss[.f+]` at `i` (advancing it); sets the time fields and the precision.
    static func parseTime(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, into parts: inout DateTimeParts) -> Bool {
        let n = b.count
        guard i + 8 <= n, let hour = digits(b, i, 2), hour < 24, b[i + 2] == UInt8(ascii: ":"),
              let minute = digits(b, i + 3, 2), minute < 60, b[i + 5] == UInt8(ascii: ":"),
              let second = digits(b, i + 6, 2), second <= 60 else { return false }
        parts.hour = hour
        parts.minute = minute
        parts.second = second
        parts.precision = .second
        i += 8
        if i < n, b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            var value: Int64 = 0
            while i < n, b[i] &- UInt8(ascii: "0") < 10 {
                // Keep at most 18 digits of value (finer than any clock); the digit count still says the precision.
                if i - start < 18 { value = value * 10 + Int64(b[i] - UInt8(ascii: "0")) }
                i += 1
            }
            guard i > start else { return false }
            parts.fraction = value
            parts.fractionDigits = min(i - start, 18)
            parts.precision = .fraction
        }
        return true
    }

    /// The value of `count` ASCII digits at `start`, or nil.
    @inline(__always)
    static func digits(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        guard start + count <= b.count else { return nil }
        var value = 0
        for k in start..<(start + count) {
            let d = b[k] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            value = value * 10 + Int(d)
        }
        return value
    }

    /// The start of the range this value covers (values without a time zone are taken as UTC).
    var lowerBound: Date {
        let days = CivilCalendar.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - (offsetSeconds ?? 0)
        var interval = Double(seconds)
        if fractionDigits > 0 { interval += Double(fraction) / pow10(fractionDigits) }
        return Date(timeIntervalSince1970: interval)
    }

    /// The end (exclusive) of the range this value covers.
    var upperBound: Date {
        switch precision {
        case .year:
            let days = CivilCalendar.daysFromCivil(year: year + 1, month: 1, day: 1)
            return Date(timeIntervalSince1970: Double(days * 86_400 - (offsetSeconds ?? 0)))
        case .month:
            let days = month == 12
                ? CivilCalendar.daysFromCivil(year: year + 1, month: 1, day: 1)
                : CivilCalendar.daysFromCivil(year: year, month: month + 1, day: 1)
            return Date(timeIntervalSince1970: Double(days * 86_400 - (offsetSeconds ?? 0)))
        case .day:
            return lowerBound.addingTimeInterval(86_400)
        case .second:
            return lowerBound.addingTimeInterval(1)
        case .fraction:
            return lowerBound.addingTimeInterval(1 / pow10(fractionDigits))
        }
    }

    private func pow10(_ k: Int) -> Double {
        var result = 1.0
        for _ in 0..<k { result *= 10 }
        return result
    }
}
