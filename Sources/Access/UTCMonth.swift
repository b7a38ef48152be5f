#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Calendar-month arithmetic in UTC, without Foundation's Calendar (proleptic Gregorian, allocation-free).
enum UTCMonth {
    /// One calendar month after `date`: same UTC time of day, same day of month clamped to the month's length.
    @Sendable
    static func oneMonthAfter(_ date: Date) -> Date {
        let t = date.timeIntervalSince1970
        let days = (t / 86_400).rounded(.down)
        let timeOfDay = t - days * 86_400
        var (year, month, day) = civil(fromDays: Int(days))
        month += 1
        if month == 13 { month = 1; year += 1 }
        day = min(day, daysInMonth(year: year, month: month))
        return Date(timeIntervalSince1970: Double(daysFromCivil(year: year, month: month, day: day)) * 86_400 + timeOfDay)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
