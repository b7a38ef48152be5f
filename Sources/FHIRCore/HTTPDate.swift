#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// HTTP dates (RFC 7231 section 7.1.1.1), for `Last-Modified`, `If-Modified-Since` and friends.
public enum HTTPDate {
    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let longDayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `date` as an IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT` (whole seconds, rounded down).
    public static func format(_ date: Date) -> String {
        let seconds = Int((date.timeIntervalSince1970).rounded(.down))
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = CivilCalendar.civilFromDays(days)
        var out: [UInt8] = Array(dayNames[CivilCalendar.weekday(days: days)].utf8)
        out.append(contentsOf: ", ".utf8)
        out.appendDigits(day, width: 2)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: monthNames[month - 1].utf8)
        out.append(UInt8(ascii: " "))
        out.appendDigits(year, width: 4)
        out.append(UInt8(ascii: " "))
        out.appendDigits(secondOfDay / 3600, width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendDigits(secondOfDay / 60 % 60, width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendDigits(secondOfDay % 60, width: 2)
        out.append(contentsOf: " GMT".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses an HTTP date in any of the three forms a recipient must accept: IMF-fixdate
    /// (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime
    /// (`Sun Nov  6 08:49:37 1994`). Nil when `text` is none of them or names an impossible date.
    public static func parse(_ text: String) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let comma = text.firstIndex(of: ",") {
            let dayName = String(text[..<comma])
            let rest = text[text.index(after: comma)...]
            let fields = rest.split(separator: " ", omittingEmptySubsequences: true)
            if dayNames.contains(dayName), fields.count == 5, fields[4] == "GMT" {
                // IMF-fixdate.
                guard fields[0].count == 2, let day = number(fields[0]), let month = monthIndex(fields[1]),
                      fields[2].count == 4, let year = number(fields[2]) else { return nil }
                return make(year: year, month: month, day: day, time: fields[3])
            }
            if longDayNames.contains(dayName), fields.count == 3, fields[2] == "GMT" {
                // RFC 850, two-digit year: taken as the nearest past or near-future century per RFC 7231.
                let dateParts = fields[0].split(separator: "-", omittingEmptySubsequences: false)
                guard dateParts.count == 3, dateParts[0].count == 2, let day = number(dateParts[0]),
                      let month = monthIndex(dateParts[1]), dateParts[2].count == 2, let yy = number(dateParts[2]) else {
                    return nil
                }
                let currentYear = CivilCalendar.civilFromDays(Int(Date().timeIntervalSince1970) / 86_400).year
                var year = currentYear / 100 * 100 + yy
                if year > currentYear + 50 { year -= 100 }
                return make(year: year, month: month, day: day, time: fields[1])
            }
            return nil
        }
        // asctime: "Sun Nov  6 08:49:37 1994".
        let fields = text.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count == 5, dayNames.contains(String(fields[0])), let month = monthIndex(fields[1]),
              (1...2).contains(fields[2].count), let day = number(fields[2]), fields[4].count == 4,
              let year = number(fields[4]) else { return nil }
        return make(year: year, month: month, day: day, time: fields[3])
    }

    private static func monthIndex(_ name: Substring) -> Int? {
        monthNames.firstIndex(of: String(name)).map { $0 + 1 }
    }

    /// A non-negative decimal number written only with ASCII digits.
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) else { return nil }
        return Int(text)
    }

    private static func make(year: Int, month: Int, day: Int, time: Substring) -> Date? {
        let t = time.split(separator: ":", omittingEmptySubsequences: false)
        guard t.count == 3, t.allSatisfy({ $0.count == 2 }),
              let h = number(t[0]), let m = number(t[1]), let s = number(t[2]), (0..<24).contains(h), (0..<60).contains(m),
              (0...60).contains(s), year >= 1, (1...CivilCalendar.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        let days = CivilCalendar.daysFromCivil(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + h * 3600 + m * 60 + s))
    }
}
