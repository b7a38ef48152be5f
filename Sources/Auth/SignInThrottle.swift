import Foundation

/// Slows password and code guessing per username: the first `freeAttempts` consecutive failures cost nothing, each
/// further one must wait twice as long as the previous (1 s, 2 s, 4 s, ... up to `maximumDelay`) after the last
/// failure. A success clears the count. Short waits rather than a lock-out, so that nobody can lock a clinician out
/// for long by failing on purpose. Kept in memory (per server process), bounded in size.
public actor SignInThrottle {
    struct State {
        var failures: Int
        var lastFailure: Date
    }

    /// Failures allowed before any wait.
    public let freeAttempts: Int
    /// The longest wait imposed.
    public let maximumDelay: TimeInterval
    private let capacity: Int
    private var states: [String: State] = [:]

    /// A throttle with its limits.
    public init(freeAttempts: Int = 5, maximumDelay: TimeInterval = 300, capacity: Int = 100_000) {
        self.freeAttempts = freeAttempts
        self.maximumDelay = maximumDelay
        self.capacity = capacity
    }

    /// Seconds to wait before `username` may try again at `now`; `nil` when an attempt is allowed.
    public func retryAfter(_ username: String, now: Date) -> TimeInterval? {
        guard let state = states[username.lowercased()], state.failures >= freeAttempts else { return nil }
        let remaining = state.lastFailure.addingTimeInterval(delay(after: state.failures)).timeIntervalSince(now)
        return remaining > 0 ? remaining.rounded(.up) : nil
    }

    /// Counts a failed attempt.
    public func recordFailure(_ username: String, now: Date) {
        if states.count >= capacity { prune(now: now) }
        let key = username.lowercased()
        var state = states[key] ?? State(failures: 0, lastFailure: now)
        state.failures += 1
        state.lastFailure = now
        states[key] = state
    }

    /// Clears the count after a successful sign-in.
    public func recordSuccess(_ username: String) {
        states[username.lowercased()] = nil
    }

    func delay(after failures: Int) -> TimeInterval {
        let exponent = min(failures - freeAttempts, 30)
        return min(maximumDelay, pow(2, Double(exponent)))
    }

    private func prune(now: Date) {
        states = states.filter { now.timeIntervalSince($0.value.lastFailure) < maximumDelay }
        if states.count >= capacity { states.removeAll() }
    }
}
