import Foundation

extension Date {
    /// The instant `microseconds` µs after 1970-01-01T00:00:00Z: how the store keeps `last_updated`.
    init(microsecondsSince1970 microseconds: Int64) {
        self.init(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }

    /// This instant rounded to the nearest microsecond since 1970 (exact for dates made by
    /// ``init(microsecondsSince1970:)``), clamped to the representable range.
    var microsecondsSince1970: Int64 {
        let value = (timeIntervalSince1970 * 1_000_000).rounded()
        guard value.isFinite else { return value > 0 ? .max : .min }
        if value >= Double(Int64.max) { return .max }
        if value <= Double(Int64.min) { return .min }
        return Int64(value)
    }
}
