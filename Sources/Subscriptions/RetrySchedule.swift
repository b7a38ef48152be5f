import Foundation

/// When a failed rest-hook delivery is tried again: exponential back-off over hours, with jitter, within a budget.
///
/// The n-th retry waits `delays[n-1]` (the last delay repeats once the list is used up), scaled by a random factor
/// in `1 ± jitter`; once `budget` has passed since the delivery's first attempt, it is given up and its
/// subscription goes to `error`. The default waits 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, then every
/// 4 h, for 24 h in all.
public struct RetrySchedule: Sendable, Hashable {
    /// The waits before the first, second, ... retry (seconds).
    public var delays: [TimeInterval]
    /// How long after its first attempt a delivery is still tried (seconds).
    public var budget: TimeInterval
    /// The relative spread of each wait (0.2: ±20%), so that receivers coming back are not hit all at once.
    public var jitter: Double

    /// The production default.
    public static let standard = RetrySchedule(delays: [10, 30, 120, 600, 1_800, 3_600, 7_200, 14_400], budget: 86_400, jitter: 0.2)

    public init(delays: [TimeInterval], budget: TimeInterval, jitter: Double = 0.2) {
        self.delays = delays.isEmpty ? [10] : delays
        self.budget = budget
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The wait after `attempts` failed attempts (1: after the first), with jitter from `random` in [0, 1).
    public func delay(afterAttempts attempts: Int, random: Double = Double.random(in: 0..<1)) -> TimeInterval {
        let base = delays[min(max(attempts, 1), delays.count) - 1]
        return base * (1 + jitter * (2 * random - 1))
    }

    /// When to try again after `attempts` failures, or nil when the next try would fall past the budget counted
    /// from `firstAttempt` (give up).
    public func nextAttempt(afterAttempts attempts: Int, firstAttempt: Date, now: Date,
                            random: Double = Double.random(in: 0..<1)) -> Date? {
        let next = now.addingTimeInterval(delay(afterAttempts: attempts, random: random))
        return next.timeIntervalSince(firstAttempt) > budget ? nil : next
    }

    /// Parses `10s,30s,2m,1h` (units ms, s, m, h, d; a bare number is seconds).
    public static func durations(_ text: String) -> [TimeInterval]? {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.compactMap(duration)
        return values.count == parts.count && !values.isEmpty ? values : nil
    }

    /// Parses one duration such as `500ms`, `10s`, `2m`, `1h`, `1d`.
    public static func duration(_ text: String) -> TimeInterval? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3_600), ("d", 86_400)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value >= 0 else { return nil }
            return value * scale
        }
        guard let value = Double(text), value >= 0 else { return nil }
        return value
    }
}
