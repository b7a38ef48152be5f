import Foundation
import FHIRCore
import Store

/// FHIR date, dateTime and instant text as inclusive microsecond ranges (``DateRange``): the one reading used both
/// when indexing and when parsing query values, so that they agree.
///
/// `2015` covers the whole year, `2015-03-04T10:00:00+01:00` one second; a time without a zone is read as UTC.
/// Query values may also give hours and minutes without seconds (`2015-03-04T10:00`), which covers one minute.
public enum SearchDate {
    /// Microseconds per second.
    static let second: Int64 = 1_000_000

    /// The inclusive range `text` covers; nil when it is not a FHIR date, dateTime or instant (or a minute-precision
    /// dateTime).
    public static func range(_ text: some StringProtocol) -> DateRange? {
        var s = Array(text.utf8)[...]
        func digits(_ n: Int) -> Int? {
            guard s.count >= n else { return nil }
            var v = 0
            for b in s.prefix(n) {
                guard b >= 48, b <= 57 else { return nil }
                v = v * 10 + Int(b - 48)
            }
            s = s.dropFirst(n)
            return v
        }
        func take(_ c: UInt8) -> Bool {
            guard s.first == c else { return false }
            s = s.dropFirst()
            return true
        }
        guard let year = digits(4) else { return nil }
        var month = 1, day = 1, hour = 0, minute = 0, sec = 0
        var fraction: Int64 = 0
        var span: Int64   // the length of the covered range in µs, except for years and months
        var endDays: Int? = nil
        if take(UInt8(ascii: "-")) {
            guard let m = digits(2), (1...12).contains(m) else { return nil }
            month = m
            if take(UInt8(ascii: "-")) {
                guard let d = digits(2), d >= 1, d <= CivilCalendar.daysInMonth(year: year, month: month) else { return nil }
                day = d
                span = 86_400 * second
            } else {
                endDays = month == 12 ? CivilCalendar.daysFromCivil(year: year + 1, month: 1, day: 1)
                    : CivilCalendar.daysFromCivil(year: year, month: month + 1, day: 1)
                span = 0
            }
        } else {
            endDays = CivilCalendar.daysFromCivil(year: year + 1, month: 1, day: 1)
            span = 0
        }
        var offset = 0
        if endDays == nil, take(UInt8(ascii: "T")) {
            guard let h = digits(2), h < 24, take(UInt8(ascii: ":")), let mi = digits(2), mi < 60 else { return nil }
            hour = h; minute = mi
            span = 60 * second
            if take(UInt8(ascii: ":")) {
                guard let se = digits(2), se < 61 else { return nil }
                sec = min(se, 59)
                span = second
                if take(UInt8(ascii: ".")) {
                    var n = 0
                    var f: Int64 = 0
                    while let b = s.first, b >= 48, b <= 57 {
                        if n < 6 { f = f * 10 + Int64(b - 48); n += 1 }
                        s = s.dropFirst()
                    }
                    guard n > 0 else { return nil }
                    var unit: Int64 = 1
                    for _ in n..<6 { unit *= 10 }
                    fraction = f * unit
                    span = unit
                }
            }
            if take(UInt8(ascii: "Z")) {
                offset = 0
            } else if let sign = s.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                s = s.dropFirst()
                guard let oh = digits(2), oh <= 14, take(UInt8(ascii: ":")), let om = digits(2), om < 60 else { return nil }
                offset = (oh * 3600 + om * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
            }
        }
        guard s.isEmpty else { return nil }
        let days = CivilCalendar.daysFromCivil(year: year, month: month, day: day)
        let low = Int64(days * 86_400 + hour * 3600 + minute * 60 + sec - offset) * second + fraction
        if let endDays { return DateRange(low: low, high: Int64(endDays) * 86_400 * second - 1) }
        return DateRange(low: low, high: low + span - 1)
    }

    /// The microseconds since 1970 of a point in time.
    public static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }
}
