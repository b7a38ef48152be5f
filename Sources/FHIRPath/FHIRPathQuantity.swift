#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A FHIRPath Quantity: a decimal value with a UCUM unit or a calendar duration keyword (`year`, `days`).
public struct FHIRPathQuantity: Sendable, Hashable, CustomStringConvertible {
    /// The numeric value.
    public var value: Decimal
    /// The UCUM code (`mg`, `'1'`), or a calendar keyword in singular form (`year`, `day`).
    public var unit: String

    /// A quantity; calendar keywords are stored in singular form (`days` -> `day`).
    public init(value: Decimal, unit: String) {
        self.value = value
        self.unit = Self.calendarSingular[unit] ?? unit
    }

    /// Calendar duration keywords (singular and plural) -> singular.
    static let calendarSingular: [String: String] = {
        var map: [String: String] = [:]
        for u in ["year", "month", "week", "day", "hour", "minute", "second", "millisecond"] {
            map[u] = u
            map[u + "s"] = u
        }
        return map
    }()

    /// Whether the unit is a calendar keyword.
    var isCalendar: Bool { Self.calendarSingular[unit] != nil }

    /// The UCUM code equivalent of a calendar keyword.
    static let calendarUCUM: [String: String] = [
        "year": "a", "month": "mo", "week": "wk", "day": "d", "hour": "h", "minute": "min", "second": "s",
        "millisecond": "ms",
    ]

    /// Base units with a dimension and factor.
    private static let baseUnits: [String: (dimension: String, factor: Decimal)] = [
        "m": ("m", 1), "g": ("g", 1), "L": ("L", 1), "l": ("L", 1), "s": ("s", 1), "mol": ("mol", 1),
        "min": ("s", 60), "h": ("s", 3600), "d": ("s", 86400), "wk": ("s", 604_800),
        "mo": ("s", 2_629_800), "a": ("s", 31_557_600), "1": ("1", 1), "%": ("1", Decimal(string: "0.01")!),
        "[in_i]": ("m", Decimal(string: "0.0254")!), "[ft_i]": ("m", Decimal(string: "0.3048")!),
        "[lb_av]": ("g", Decimal(string: "453.59237")!), "[oz_av]": ("g", Decimal(string: "28.349523125")!),
        "Cel": ("Cel", 1), "mm[Hg]": ("mm[Hg]", 1),
    ]
    private static let prefixes: [(String, Decimal)] = [
        ("da", 10), ("k", 1000), ("h", 100), ("d", Decimal(string: "0.1")!), ("c", Decimal(string: "0.01")!),
        ("m", Decimal(string: "0.001")!), ("u", Decimal(string: "0.000001")!), ("n", Decimal(string: "0.000000001")!),
        ("p", Decimal(string: "0.000000000001")!), ("M", 1_000_000),
    ]

    /// The unit's dimension and factor to that dimension's base unit; nil for units not understood.
    static func canonical(_ unit: String) -> (dimension: String, factor: Decimal)? {
        let code = calendarUCUM[unit] ?? unit
        if let b = baseUnits[code] { return b }
        for (prefix, factor) in prefixes where code.hasPrefix(prefix) {
            if let b = baseUnits[String(code.dropFirst(prefix.count))], b.dimension != "1" {
                return (b.dimension, b.factor * factor)
            }
        }
        return nil
    }

    /// Whether the unit is a calendar keyword of a year or month (not comparable with definite UCUM durations).
    var isNominalCalendar: Bool { unit == "year" || unit == "month" }

    /// This quantity expressed in `other`'s unit, nil when the units are not comparable.
    func converted(toUnitOf other: FHIRPathQuantity) -> Decimal? {
        if unit == other.unit { return value }
        // Calendar years and months are not exact UCUM durations (`1 year != 1 'a'`).
        if isNominalCalendar || other.isNominalCalendar {
            return nil
        }
        guard let a = Self.canonical(unit), let b = Self.canonical(other.unit), a.dimension == b.dimension else {
            return nil
        }
        return value * a.factor / b.factor
    }

    /// FHIRPath text: `4 'mg'`, `3 days`.
    public var description: String {
        isCalendar ? "\(value) \(unit)" : "\(value) '\(unit)'"
    }
}
