#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A FHIR `decimal`: the exact text of a JSON number, its value, and the precision the text implies
/// (`1.50` is given to 0.01, so it stands for the range [1.495, 1.505)).
public struct FHIRDecimal: Sendable, Hashable, CustomStringConvertible {
    /// The number's text, exactly as written.
    public let text: String
    /// The exact value.
    public let value: Decimal
    /// The power of ten of the last digit written: -2 for `1.50`, 0 for `100`, 3 for `1e3`.
    public let exponent: Int

    /// Parses a decimal written with the JSON number grammar; nil otherwise.
    public init?(_ text: String) {
        guard FHIRPrimitive.isValidDecimal(text), let value = Decimal(string: text) else { return nil }
        self.text = text
        self.value = value
        var exponent = 0
        let lower = text.lowercased()
        var mantissa = Substring(lower)
        if let e = lower.firstIndex(of: "e") {
            exponent = Int(lower[lower.index(after: e)...]) ?? 0
            mantissa = lower[..<e]
        }
        if let dot = mantissa.firstIndex(of: ".") {
            exponent -= mantissa.distance(from: dot, to: mantissa.endIndex) - 1
        }
        self.exponent = exponent
    }

    /// The decimal of a JSON number value; nil for other JSON values.
    public init?(_ json: JSON) {
        guard case .number(let text) = json else { return nil }
        self.init(text)
    }

    /// Half a unit of the last digit below the value (`1.50` -> 1.495).
    public var lowerBound: Decimal { value - halfUnit }
    /// Half a unit of the last digit above the value (`1.50` -> 1.505), the exclusive end of the implied range.
    public var upperBound: Decimal { value + halfUnit }

    private var halfUnit: Decimal { Decimal(sign: .plus, exponent: exponent, significand: 5) / 10 }

    /// The original text.
    public var description: String { text }
}
