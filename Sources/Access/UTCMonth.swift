#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import FHIRCore

/// Calendar-month arithmetic in UTC, without Foundation's Calendar (proleptic Gregorian, allocation-free).
enum UTCMonth {
    /// One calendar month after `date`: same UTC time of day, same day of month clamped to the month's length.
    @Sendable
    static func oneMonthAfter(_ date: Date) -> Date {
        let t = date.timeIntervalSince1970
        let days = (t / 86_400).rounded(.down)
        let timeOfDay = t - days * 86_400
        var (year, month, day) = CivilCalendar.civilFromDays(Int(days))
        month += 1
        if month == 13 { month = 1; year += 1 }
        day = min(day, CivilCalendar.daysInMonth(year: year, month: month))
        return Date(timeIntervalSince1970: Double(CivilCalendar.daysFromCivil(year: year, month: month, day: day)) * 86_400 + timeOfDay)
    }
}
