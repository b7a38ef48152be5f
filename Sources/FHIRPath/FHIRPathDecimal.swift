#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A FHIRPath Decimal: its value and the number of digits written after the decimal point (`1.50` has scale 2),
/// which Foundation's `Decimal` does not keep. The scale drives output, `precision()`, `~` and the boundaries.
public struct FHIRPathDecimal: Sendable, Hashable, CustomStringConvertible {
    /// The numeric value.
    public var value: Decimal
    /// Digits after the decimal point.
    public var scale: Int

    /// A decimal with the given scale (by default, the value's own).
    public init(_ value: Decimal, scale: Int? = nil) {
        self.value = value
        self.scale = scale ?? max(0, -Int(value.exponent))
    }

    /// Parses decimal text (`-1.50`, `3`), keeping its scale; nil when not a number.
    public init?(_ text: String) {
        guard let value = Decimal(string: text) else { return nil }
        let digits: Int
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            // Exponent notation: fall back to the value's own scale.
            _ = e
            digits = max(0, -Int(value.exponent))
        } else if let dot = text.firstIndex(of: ".") {
            digits = text.distance(from: dot, to: text.endIndex) - 1
        } else {
            digits = 0
        }
        self.init(value, scale: digits)
    }

    /// Equal values are equal whatever their scale (`1.0 = 1.00`).
    public static func == (a: FHIRPathDecimal, b: FHIRPathDecimal) -> Bool { a.value == b.value }
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }

    /// The value with exactly `scale` digits after the point (more if the value needs them).
    public var description: String {
        var text = value.description
        if text == "-0" { text = "0" }
        let current: Int = text.firstIndex(of: ".").map { text.distance(from: $0, to: text.endIndex) - 1 } ?? 0
        guard current < scale else { return text }
        if current == 0 { text += "." }
        return text + String(repeating: "0", count: scale - current)
    }
}
