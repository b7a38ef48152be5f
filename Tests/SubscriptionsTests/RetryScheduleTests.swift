import Foundation
import Subscriptions
import Testing

@Suite struct RetryScheduleTests {
    @Test func theStandardScheduleBacksOffOverHoursWithinADay() {
        let s = RetrySchedule.standard
        #expect(s.delay(afterAttempts: 1, random: 0.5) == 10)
        #expect(s.delay(afterAttempts: 4, random: 0.5) == 600)
        #expect(s.delay(afterAttempts: 50, random: 0.5) == 14_400)
        #expect(s.budget == 86_400)
        // The total before giving up spans hours, not a minute.
        var elapsed: TimeInterval = 0, attempts = 0
        let first = Date(timeIntervalSince1970: 0)
        while let next = s.nextAttempt(afterAttempts: attempts + 1, firstAttempt: first, now: first.addingTimeInterval(elapsed), random: 0.5) {
            attempts += 1
            elapsed = next.timeIntervalSince(first)
        }
        #expect(elapsed > 20 * 3_600 && elapsed <= 86_400)
        #expect(attempts >= 10)
    }

    @Test func jitterStaysWithinItsSpread() {
        let s = RetrySchedule(delays: [100], budget: 1_000, jitter: 0.2)
        #expect(s.delay(afterAttempts: 1, random: 0) == 80)
        #expect(s.delay(afterAttempts: 1, random: 0.999_999) > 119.99)
        for _ in 0..<100 { #expect((80...120).contains(s.delay(afterAttempts: 1))) }
    }

    @Test func durationsParseUnits() {
        #expect(RetrySchedule.durations("200ms,10s,2m,1h,1d") == [0.2, 10, 120, 3_600, 86_400])
        #expect(RetrySchedule.durations("10s,x") == nil)
        #expect(RetrySchedule.duration("-1s") == nil)
        #expect(RetrySchedule.duration("7") == 7)
    }
}
