#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import FHIRCore

extension FHIRPathEvaluator {
    func binary(_ op: FHIRPathBinaryOperator, _ lhs: FHIRPathSyntax, _ rhs: FHIRPathSyntax, _ focus: Collection, _ scope: Scope) throws(FHIRError) -> Collection {
        let a = try eval(lhs, focus, scope)
        // Short-circuit the logical operators where the spec allows it.
        switch op {
        case .and:
            let x = try boolean(a, "and")
            if x == false { return [.boolean(false)] }
            let y = try boolean(try eval(rhs, focus, scope), "and")
            if y == false { return [.boolean(false)] }
            if x == true && y == true { return [.boolean(true)] }
            return []
        case .or:
            let x = try boolean(a, "or")
            if x == true { return [.boolean(true)] }
            let y = try boolean(try eval(rhs, focus, scope), "or")
            if y == true { return [.boolean(true)] }
            if x == false && y == false { return [.boolean(false)] }
            return []
        case .implies:
            let x = try boolean(a, "implies")
            if x == false { return [.boolean(true)] }
            let y = try boolean(try eval(rhs, focus, scope), "implies")
            if y == true { return [.boolean(true)] }
            if x == true && y == false { return [.boolean(false)] }
            return []
        default:
            break
        }
        let b = try eval(rhs, focus, scope)
        switch op {
        case .xor:
            guard let x = try boolean(a, "xor"), let y = try boolean(b, "xor") else { return [] }
            return [.boolean(x != y)]
        case .union:
            var out: Collection = []
            out.reserveCapacity(a.count + b.count)
            appendDistinct(a, to: &out)
            appendDistinct(b, to: &out)
            return out
        case .equal, .notEqual:
            guard !a.isEmpty, !b.isEmpty else { return [] }
            guard let eq = Self.collectionsEqual(a, b) else { return [] }
            return [.boolean(op == .equal ? eq : !eq)]
        case .equivalent, .notEquivalent:
            let eq = Self.collectionsEquivalent(a, b)
            return [.boolean(op == .equivalent ? eq : !eq)]
        case .less, .greater, .lessOrEqual, .greaterOrEqual:
            guard let x = try singleton(a, op.rawValue), let y = try singleton(b, op.rawValue) else { return [] }
            guard let c = try Self.compare(x, y) else { return [] }
            switch op {
            case .less: return [.boolean(c < 0)]
            case .greater: return [.boolean(c > 0)]
            case .lessOrEqual: return [.boolean(c <= 0)]
            default: return [.boolean(c >= 0)]
            }
        case .in, .contains:
            let (item, list) = op == .in ? (a, b) : (b, a)
            guard let x = try singleton(item, op.rawValue) else { return [] }
            for y in list where Self.equal(x, y) == true { return [.boolean(true)] }
            return [.boolean(false)]
        case .concatenate:
            let x = try singleton(a, "&").map { v throws(FHIRError) in try Self.stringForConcat(v) } ?? ""
            let y = try singleton(b, "&").map { v throws(FHIRError) in try Self.stringForConcat(v) } ?? ""
            return [.string(x + y)]
        default:
            guard let x = try singleton(a, op.rawValue), let y = try singleton(b, op.rawValue) else { return [] }
            return try Self.arithmetic(op, x, y).map { [$0] } ?? []
        }
    }

    private static func stringForConcat(_ v: FHIRPathValue) throws(FHIRError) -> String {
        guard case .string(let s) = v.systemValue else { throw error("& expects strings") }
        return s
    }

    /// Appends the items of `c` not already in `out` (by `=`).
    func appendDistinct(_ c: Collection, to out: inout Collection) {
        for v in c where !out.contains(where: { Self.equal($0, v) == true }) { out.append(v) }
    }

    // MARK: - Equality and equivalence

    static func collectionsEqual(_ a: Collection, _ b: Collection) -> Bool? {
        guard a.count == b.count else { return false }
        var unknown = false
        for (x, y) in zip(a, b) {
            switch equal(x, y) {
            case false?: return false
            case nil: unknown = true
            default: break
            }
        }
        return unknown ? nil : true
    }

    static func collectionsEquivalent(_ a: Collection, _ b: Collection) -> Bool {
        guard a.count == b.count else { return false }
        var used = [Bool](repeating: false, count: b.count)
        outer: for x in a {
            for (j, y) in b.enumerated() where !used[j] && equivalent(x, y) {
                used[j] = true
                continue outer
            }
            return false
        }
        return true
    }

    /// `=` on two items: nil when unknown (dates of different precision).
    static func equal(_ x: FHIRPathValue, _ y: FHIRPathValue) -> Bool? {
        if case .element(let a) = x, case .element(let b) = y, !a.isPrimitive || !b.isPrimitive {
            return a.value == b.value
        }
        guard let a = x.systemValue, let b = y.systemValue else { return false }
        switch (a, b) {
        case (.boolean(let p), .boolean(let q)): return p == q
        case (.string(let p), .string(let q)): return p == q
        case (.integer(let p), .integer(let q)): return p == q
        case (.integer(let p), .decimal(let q)): return Decimal(p) == q.value
        case (.decimal(let p), .integer(let q)): return p.value == Decimal(q)
        case (.decimal(let p), .decimal(let q)): return p.value == q.value
        case (.date(let p), .date(let q)), (.dateTime(let p), .dateTime(let q)), (.time(let p), .time(let q)),
             (.date(let p), .dateTime(let q)), (.dateTime(let p), .date(let q)):
            return FHIRPathTemporal.compare(p, q).map { $0 == 0 }
        case (.quantity(let p), .quantity(let q)):
            if let v = p.converted(toUnitOf: q) { return v == q.value }
            if p.isCalendar != q.isCalendar, let pc = calendarAsUCUM(p), let qc = calendarAsUCUM(q),
               pc.unit == qc.unit, pc.unit != "a", pc.unit != "mo" {
                return pc.value == qc.value
            }
            return p.isNominalCalendar || q.isNominalCalendar ? nil : false
        case (.element(let p), .element(let q)): return p.value == q.value
        default: return false
        }
    }

    private static func calendarAsUCUM(_ q: FHIRPathQuantity) -> FHIRPathQuantity? {
        FHIRPathQuantity(value: q.value, unit: FHIRPathQuantity.calendarUCUM[q.unit] ?? q.unit)
    }

    /// `~` on two items.
    static func equivalent(_ x: FHIRPathValue, _ y: FHIRPathValue) -> Bool {
        if case .element(let a) = x, case .element(let b) = y, !a.isPrimitive || !b.isPrimitive {
            return a.value == b.value
        }
        guard let a = x.systemValue, let b = y.systemValue else { return false }
        switch (a, b) {
        case (.string(let p), .string(let q)): return normalizedForEquivalence(p) == normalizedForEquivalence(q)
        case (.integer, .decimal), (.decimal, .integer), (.decimal, .decimal):
            guard let p = decimalValue(a), let q = decimalValue(b) else { return false }
            let scale = min(decimalScale(a), decimalScale(b))
            return rounded(p, scale: scale) == rounded(q, scale: scale)
        case (.date(let p), .date(let q)), (.dateTime(let p), .dateTime(let q)), (.time(let p), .time(let q)),
             (.date(let p), .dateTime(let q)), (.dateTime(let p), .date(let q)):
            return FHIRPathTemporal.compare(p, q) == 0
        case (.quantity(let p), .quantity(let q)):
            if let v = q.converted(toUnitOf: p) {
                let scale = min(scaleOf(v), scaleOf(p.value))
                return rounded(v, scale: scale) == rounded(p.value, scale: scale)
            }
            if let pc = calendarAsUCUM(p), let qc = calendarAsUCUM(q), pc.unit == qc.unit { return pc.value == qc.value }
            return false
        default:
            return equal(a, b) == true
        }
    }

    static func normalizedForEquivalence(_ s: String) -> String {
        s.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    // MARK: - Ordering

    /// Compares two items for `<` and friends: nil when unknown, throws when they cannot be compared.
    static func compare(_ x: FHIRPathValue, _ y: FHIRPathValue) throws(FHIRError) -> Int? {
        guard let a = x.systemValue, let b = y.systemValue else { return nil }
        func order<T: Comparable>(_ p: T, _ q: T) -> Int { p < q ? -1 : (p == q ? 0 : 1) }
        switch (a, b) {
        case (.integer(let p), .integer(let q)): return order(p, q)
        case (.integer, .decimal), (.decimal, .integer), (.decimal, .decimal):
            return order(decimalValue(a)!, decimalValue(b)!)
        case (.string(let p), .string(let q)): return order(p, q)
        case (.date(let p), .date(let q)), (.dateTime(let p), .dateTime(let q)), (.time(let p), .time(let q)),
             (.date(let p), .dateTime(let q)), (.dateTime(let p), .date(let q)):
            return FHIRPathTemporal.compare(p, q)
        case (.quantity(let p), .quantity(let q)):
            if let v = p.converted(toUnitOf: q) { return order(v, q.value) }
            if let pc = calendarAsUCUM(p), let qc = calendarAsUCUM(q), let v = pc.converted(toUnitOf: qc) {
                return order(v, qc.value)
            }
            return nil
        default:
            throw error("cannot compare \(a.typeName) with \(b.typeName)")
        }
    }

    // MARK: - Arithmetic

    static func decimalValue(_ v: FHIRPathValue) -> Decimal? {
        switch v {
        case .integer(let i): Decimal(i)
        case .decimal(let d): d.value
        default: nil
        }
    }

    /// Digits after the point of a number as written (0 for integers).
    static func decimalScale(_ v: FHIRPathValue) -> Int {
        if case .decimal(let d) = v { return d.scale }
        return 0
    }

    /// Digits after the decimal point of a decimal as written.
    static func scaleOf(_ d: Decimal) -> Int { max(0, -Int(d.exponent)) }

    /// `d` rounded half away from zero to `scale` fraction digits.
    static func rounded(_ d: Decimal, scale: Int) -> Decimal {
        DecimalMath.round(d, scale: scale, .halfAwayFromZero)
    }

    static func arithmetic(_ op: FHIRPathBinaryOperator, _ x: FHIRPathValue, _ y: FHIRPathValue) throws(FHIRError) -> FHIRPathValue? {
        guard let a = x.systemValue, let b = y.systemValue else { return nil }
        switch (op, a, b) {
        case (.plus, .string(let p), .string(let q)): return .string(p + q)
        case (.plus, .integer(let p), .integer(let q)):
            let (r, overflow) = p.addingReportingOverflow(q)
            return overflow ? nil : .integer(r)
        case (.minus, .integer(let p), .integer(let q)):
            let (r, overflow) = p.subtractingReportingOverflow(q)
            return overflow ? nil : .integer(r)
        case (.multiply, .integer(let p), .integer(let q)):
            let (r, overflow) = p.multipliedReportingOverflow(by: q)
            return overflow ? nil : .integer(r)
        case (.div, .integer(let p), .integer(let q)): return q == 0 ? nil : .integer(p / q)
        case (.mod, .integer(let p), .integer(let q)): return q == 0 ? nil : .integer(p % q)
        case (.plus, .date(let t), .quantity(let q)), (.plus, .dateTime(let t), .quantity(let q)), (.plus, .time(let t), .quantity(let q)):
            return try temporal(t, adding: q, sign: 1)
        case (.minus, .date(let t), .quantity(let q)), (.minus, .dateTime(let t), .quantity(let q)), (.minus, .time(let t), .quantity(let q)):
            return try temporal(t, adding: q, sign: -1)
        case (.plus, .quantity(let p), .quantity(let q)), (.minus, .quantity(let p), .quantity(let q)):
            guard let v = p.converted(toUnitOf: q) else { return nil }
            return .quantity(FHIRPathQuantity(value: op == .plus ? v + q.value : v - q.value, unit: q.unit))
        case (.multiply, .quantity(var p), .integer), (.multiply, .quantity(var p), .decimal):
            p.value *= decimalValue(b)!
            return .quantity(p)
        case (.multiply, .integer, .quantity(var q)), (.multiply, .decimal, .quantity(var q)):
            q.value *= decimalValue(a)!
            return .quantity(q)
        case (.divide, .quantity(var p), .integer), (.divide, .quantity(var p), .decimal):
            let d = decimalValue(b)!
            if d == 0 { return nil }
            p.value /= d
            return .quantity(p)
        case (.multiply, .quantity(let p), .quantity(let q)):
            if p.unit == "1" { return .quantity(FHIRPathQuantity(value: p.value * q.value, unit: q.unit)) }
            if q.unit == "1" { return .quantity(FHIRPathQuantity(value: p.value * q.value, unit: p.unit)) }
            return nil
        case (.divide, .quantity(let p), .quantity(let q)):
            if q.value == 0 { return nil }
            if let v = p.converted(toUnitOf: q) { return .quantity(FHIRPathQuantity(value: v / q.value, unit: "1")) }
            if q.unit == "1" { return .quantity(FHIRPathQuantity(value: p.value / q.value, unit: p.unit)) }
            return nil
        default:
            break
        }
        guard let p = decimalValue(a), let q = decimalValue(b) else {
            throw error("cannot apply \(op.rawValue) to \(a.typeName) and \(b.typeName)")
        }
        let sa = decimalScale(a), sb = decimalScale(b)
        switch op {
        case .plus: return .decimal(FHIRPathDecimal(p + q, scale: max(sa, sb)))
        case .minus: return .decimal(FHIRPathDecimal(p - q, scale: max(sa, sb)))
        case .multiply: return .decimal(FHIRPathDecimal(p * q, scale: max(sa + sb, scaleOf(p * q))))
        case .divide: return q == 0 ? nil : .decimal(FHIRPathDecimal(p / q))
        default: break
        }
        switch op {
        case .div:
            if q == 0 { return nil }
            return .integer(DecimalMath.truncatedInt(p / q))
        case .mod:
            if q == 0 { return nil }
            let t = Decimal(DecimalMath.truncatedInt(p / q))
            return .decimal(FHIRPathDecimal(p - t * q, scale: max(sa, sb)))
        default:
            throw error("cannot apply \(op.rawValue) to numbers")
        }
    }

    /// Date/time arithmetic with a calendar duration (or a definite UCUM time unit).
    static func temporal(_ t: FHIRPathTemporal, adding q: FHIRPathQuantity, sign: Int) throws(FHIRError) -> FHIRPathValue? {
        let unit: String
        switch q.unit {
        case "year", "month", "week", "day", "hour", "minute", "second", "millisecond": unit = q.unit
        case "wk": unit = "week"
        case "d": unit = "day"
        case "h": unit = "hour"
        case "min": unit = "minute"
        case "s": unit = "second"
        case "ms": unit = "millisecond"
        default: throw error("cannot add \(q) to a date or time")
        }
        var r = t
        let whole = DecimalMath.truncatedInt(q.value) * sign
        switch unit {
        case "year", "month":
            guard t.kind != .time else { throw error("cannot add \(unit)s to a time") }
            var months = unit == "year" ? whole * 12 : whole
            if t.precision == .year { months = (months / 12) * 12 }
            let total = r.year * 12 + (r.month - 1) + months
            r.year = total / 12
            r.month = total % 12 + 1
            r.day = min(r.day, FHIRPathTemporal.daysIn(year: r.year, month: r.month))
        case "week", "day":
            guard t.kind != .time else { throw error("cannot add \(unit)s to a time") }
            let days = unit == "week" ? whole * 7 : whole
            if t.precision < .day {
                // Convert to the value's precision, truncating.
                return try temporal(t, adding: FHIRPathQuantity(value: Decimal(days * sign / (t.precision == .year ? 365 : 30)),
                                                                unit: t.precision == .year ? "year" : "month"), sign: sign)
            }
            r.setLocalMilliseconds(r.localMilliseconds + days * 86_400_000)
        default:
            let factor: Decimal = switch unit {
            case "hour": 3_600_000
            case "minute": 60_000
            case "second": 1000
            default: 1
            }
            var ms = (unit == "millisecond" ? DecimalMath.truncatedInt(q.value) : DecimalMath.truncatedInt(q.value) * DecimalMath.truncatedInt(factor)) * sign
            if t.kind == .date {
                ms = (ms / 86_400_000) * 86_400_000
            } else {
                let unitMs: Int = switch t.precision {
                case .year, .month, .day: 86_400_000
                case .hour: 3_600_000
                case .minute: 60_000
                case .second: 1000
                case .millisecond: 1
                }
                ms = (ms / unitMs) * unitMs
            }
            if t.precision <= .month, t.kind != .time { return .init(t) }
            r.setLocalMilliseconds(r.localMilliseconds + ms)
        }
        guard r.year >= 1, r.year <= 9999 else { return nil }
        return .init(r)
    }
}

extension FHIRPathValue {
    /// Wraps a temporal value in the case matching its kind.
    init(_ t: FHIRPathTemporal) {
        switch t.kind {
        case .date: self = .date(t)
        case .dateTime: self = .dateTime(t)
        case .time: self = .time(t)
        }
    }
}

