/// A duration written the way operators write it: `90s`, `15m`, `1h`, `12h`, `2d` (or bare seconds).
public struct Lifetime: Sendable, Hashable, CustomStringConvertible {
    /// The duration in seconds.
    public let seconds: Int

    /// A lifetime of `seconds`.
    public init(seconds: Int) { self.seconds = seconds }

    /// Parses `N`, `Ns`, `Nm`, `Nh` or `Nd` with a positive N; `nil` otherwise.
    public init?(_ text: String) {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var digits = Substring(text)
        var unit = 1
        if let last = text.last, let multiplier = units[last] {
            unit = multiplier
            digits = digits.dropLast()
        }
        guard let value = Int(digits), value > 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        seconds = product
    }

    /// The shortest exact form (`1h`, `90m`, `45s`).
    public var description: String {
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
