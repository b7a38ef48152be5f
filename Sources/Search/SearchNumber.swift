import FHIRCore
import Store

/// FHIR decimal text as a ``NumberRange``: the value with the range its written precision implies
/// (`100` is [99.5, 100.5], `100.00` is [99.995, 100.005], `1.5e2` is [145, 155]). Used both when indexing and when
/// parsing query values.
///
/// The range follows the arithmetic of the last written digit, so `1e2` is [50, 150]: the R4 specification's
/// example of [95, 105] for `1e2` contradicts its own "one significant figure" rule.
public enum SearchNumber {
    /// The value and implied range of `text`; nil when it is not a decimal number.
    public static func range(_ text: some StringProtocol) -> NumberRange? {
        let t = String(text)
        guard !t.isEmpty, let value = Double(t), value.isFinite,
              t.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 43 || $0 == 45 || $0 == 101 || $0 == 69 })
        else { return nil }
        var exponent = 0
        var mantissa = Substring(t)
        if let e = t.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let x = Int(t[t.index(after: e)...]) else { return nil }
            exponent = x
            mantissa = t[..<e]
        }
        if let dot = mantissa.firstIndex(of: ".") {
            exponent -= mantissa.distance(from: dot, to: mantissa.endIndex) - 1
        }
        let half = 0.5 * pow10(exponent)
        return NumberRange(value: value, low: value - half, high: value + half)
    }

    static func pow10(_ k: Int) -> Double {
        var r = 1.0
        if k >= 0 { for _ in 0..<k { r *= 10 } } else { for _ in 0..<(-k) { r /= 10 } }
        return r
    }
}

extension NumberRange {
    /// The same range with every bound multiplied by `factor` (a unit conversion).
    func scaled(by factor: Double) -> NumberRange {
        factor == 1 ? self : NumberRange(value: value * factor, low: low * factor, high: high * factor)
    }
}
