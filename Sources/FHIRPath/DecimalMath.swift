#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Decimal rounding without `NSDecimalRound` (absent from FoundationEssentials), by working on the digits.
enum DecimalMath {
    enum Mode { case halfAwayFromZero, towardZero, awayFromZero, ceiling, floor }

    /// `d` rounded to `scale` digits after the decimal point.
    static func round(_ d: Decimal, scale: Int, _ mode: Mode) -> Decimal {
        let text = d.description
        let negative = text.hasPrefix("-")
        let body = negative ? text.dropFirst() : Substring(text)
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count > 1 ? parts[1] : ""
        guard fraction.count > scale, scale >= 0 else { return d }
        let kept = fraction.prefix(scale)
        let dropped = fraction.dropFirst(scale)
        let nonZero = dropped.contains { $0 != "0" }
        let up: Bool = switch mode {
        case .halfAwayFromZero: (dropped.first.map { $0 >= "5" }) ?? false
        case .towardZero: false
        case .awayFromZero: nonZero
        case .ceiling: !negative && nonZero
        case .floor: negative && nonZero
        }
        var magnitude = Decimal(string: kept.isEmpty ? String(whole) : "\(whole).\(kept)") ?? 0
        if up {
            var unit = Decimal(1)
            for _ in 0..<scale { unit /= 10 }
            magnitude += unit
        }
        return negative ? -magnitude : magnitude
    }

    /// The integer part of `d`, truncated toward zero.
    static func truncatedInt(_ d: Decimal) -> Int {
        Int(round(d, scale: 0, .towardZero).description) ?? 0
    }
}
