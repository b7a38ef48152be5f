#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import FHIRCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension FHIRPathEvaluator {
    /// Functions of a single input value: conversions, strings and math.
    func callValueFunction(_ f: FHIRPathFunction, _ args: [FHIRPathSyntax], _ focus: Collection, _ scope: Scope) throws(FHIRError) -> Collection {
        guard let item = try singleton(focus, f.rawValue + "()") else { return [] }
        guard let v = item.systemValue else { return [] }
        switch f {
        // MARK: Conversion
        case .toBoolean: return Self.toBoolean(v).map { [.boolean($0)] } ?? []
        case .convertsToBoolean: return [.boolean(Self.toBoolean(v) != nil)]
        case .toInteger: return Self.toInteger(v).map { [.integer($0)] } ?? []
        case .convertsToInteger: return [.boolean(Self.toInteger(v) != nil)]
        case .toDecimal: return Self.toDecimal(v).map { [.decimal($0)] } ?? []
        case .convertsToDecimal: return [.boolean(Self.toDecimal(v) != nil)]
        case .toString: return Self.toString(v).map { [.string($0)] } ?? []
        case .convertsToString: return [.boolean(Self.toString(v) != nil)]
        case .toDate: return Self.toTemporal(v, .date).map { [.date($0)] } ?? []
        case .convertsToDate: return [.boolean(Self.toTemporal(v, .date) != nil)]
        case .toDateTime: return Self.toTemporal(v, .dateTime).map { [.dateTime($0)] } ?? []
        case .convertsToDateTime: return [.boolean(Self.toTemporal(v, .dateTime) != nil)]
        case .toTime: return Self.toTemporal(v, .time).map { [.time($0)] } ?? []
        case .convertsToTime: return [.boolean(Self.toTemporal(v, .time) != nil)]
        case .toQuantity, .convertsToQuantity:
            var q = Self.toQuantity(v)
            if let target = args.isEmpty ? nil : try string(try argument(args, 0, scope), "toQuantity"), let have = q {
                let goal = FHIRPathQuantity(value: 0, unit: target)
                q = have.converted(toUnitOf: goal).map { FHIRPathQuantity(value: $0, unit: target) }
            }
            if f == .convertsToQuantity { return [.boolean(q != nil)] }
            return q.map { [.quantity($0)] } ?? []

        // MARK: Math
        case .abs:
            switch v {
            case .integer(let i): return [.integer(Swift.abs(i))]
            case .decimal(let d): return [.decimal(FHIRPathDecimal(Swift.abs(d.value), scale: d.scale))]
            case .quantity(var q): q.value = Swift.abs(q.value); return [.quantity(q)]
            default: throw Self.error("abs() needs a number")
            }
        case .ceiling, .floor, .truncate:
            let d = try number(v, f)
            let mode: DecimalMath.Mode = switch f {
            case .ceiling: .ceiling
            case .floor: .floor
            default: .towardZero
            }
            let result = DecimalMath.round(d, scale: 0, mode)
            return Int(result.description).map { [.integer($0)] } ?? []
        case .round:
            let d = try number(v, f)
            let digits = args.isEmpty ? 0 : (try integer(try argument(args, 0, scope), "round") ?? 0)
            guard digits >= 0 else { throw Self.error("round() needs a non-negative precision") }
            return [.decimal(FHIRPathDecimal(Self.rounded(d, scale: digits), scale: digits))]
        case .exp, .ln, .sqrt:
            let x = Self.double(try number(v, f))
            let r: Double = switch f {
            case .exp: exp(x)
            case .ln: log(x)
            default: x.squareRoot()
            }
            return Self.decimal(r).map { [.decimal(FHIRPathDecimal($0))] } ?? []
        case .log:
            let base = try argument(args, 0, scope)
            guard let b = try singleton(base, "log")?.systemValue, let bd = Self.decimalValue(b) else { return [] }
            let r = log(Self.double(try number(v, f))) / log(Self.double(bd))
            return Self.decimal(r).map { [.decimal(FHIRPathDecimal($0))] } ?? []
        case .power:
            let e = try argument(args, 0, scope)
            guard let ev = try singleton(e, "power")?.systemValue else { return [] }
            if case .integer(let base) = v, case .integer(let exp) = ev, exp >= 0 {
                var r = 1
                for _ in 0..<exp {
                    let (m, o) = r.multipliedReportingOverflow(by: base)
                    if o { return [] }
                    r = m
                }
                return [.integer(r)]
            }
            guard let ed = Self.decimalValue(ev) else { throw Self.error("power() needs a number") }
            let r = pow(Self.double(try number(v, f)), Self.double(ed))
            return Self.decimal(r).map { [.decimal(FHIRPathDecimal($0))] } ?? []

        // MARK: Boundaries
        case .lowBoundary, .highBoundary:
            let precision = args.isEmpty ? nil : try integer(try argument(args, 0, scope), f.rawValue)
            return try boundary(v, high: f == .highBoundary, precision: precision).map { [$0] } ?? []
        case .precision:
            switch v {
            case .decimal(let d): return [.integer(d.scale)]
            case .integer: return [.integer(0)]
            case .date(let t), .dateTime(let t), .time(let t): return [.integer(t.description.filter(\.isNumber).count)]
            default: return []
            }
        case .comparable:
            guard case .quantity(let p) = v, let o = try singleton(try argument(args, 0, scope), "comparable")?.systemValue,
                  case .quantity(let q) = o else { return [] }
            return [.boolean(p.converted(toUnitOf: q) != nil)]

        default:
            return try stringFunction(f, args, v, scope)
        }
    }

    private func number(_ v: FHIRPathValue, _ f: FHIRPathFunction) throws(FHIRError) -> Decimal {
        guard let d = Self.decimalValue(v) else { throw Self.error("\(f.rawValue)() needs a number") }
        return d
    }

    static func double(_ d: Decimal) -> Double { Double(d.description) ?? .nan }

    static func decimal(_ x: Double) -> Decimal? {
        guard x.isFinite else { return nil }
        return Decimal(string: String(x)) ?? Decimal(x)
    }

    // MARK: - Conversions

    static func toBoolean(_ v: FHIRPathValue) -> Bool? {
        switch v {
        case .boolean(let b): return b
        case .integer(let i): return i == 1 ? true : (i == 0 ? false : nil)
        case .decimal(let d): return d.value == 1 ? true : (d.value == 0 ? false : nil)
        case .string(let s):
            switch s.lowercased() {
            case "true", "t", "yes", "y", "1", "1.0": return true
            case "false", "f", "no", "n", "0", "0.0": return false
            default: return nil
            }
        default: return nil
        }
    }

    static func toInteger(_ v: FHIRPathValue) -> Int? {
        switch v {
        case .integer(let i): return i
        case .boolean(let b): return b ? 1 : 0
        case .string(let s):
            var body = Substring(s)
            if body.first == "+" || body.first == "-" { body = body.dropFirst() }
            guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(s.hasPrefix("+") ? String(s.dropFirst()) : s)
        default: return nil
        }
    }

    static func toDecimal(_ v: FHIRPathValue) -> FHIRPathDecimal? {
        switch v {
        case .integer(let i): return FHIRPathDecimal(Decimal(i), scale: 0)
        case .decimal(let d): return d
        case .boolean(let b): return FHIRPathDecimal(b ? 1 : 0, scale: 1)
        case .string(let s): return isDecimalText(s) ? FHIRPathDecimal(s.hasPrefix("+") ? String(s.dropFirst()) : s) : nil
        default: return nil
        }
    }

    static func isDecimalText(_ s: String) -> Bool {
        var body = Substring(s)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return false }
        return true
    }

    static func toString(_ v: FHIRPathValue) -> String? {
        switch v {
        case .element: return nil
        case .quantity(let q): return q.description
        default: return v.description
        }
    }

    static func toTemporal(_ v: FHIRPathValue, _ kind: FHIRPathTemporal.Kind) -> FHIRPathTemporal? {
        switch (v, kind) {
        case (.date(let t), .date), (.dateTime(let t), .dateTime), (.time(let t), .time): return t
        case (.dateTime(var t), .date):
            t.kind = .date
            t.precision = min(t.precision, .day)
            t.offsetMinutes = nil
            return t
        case (.date(var t), .dateTime):
            t.kind = .dateTime
            return t
        case (.string(let s), .time):
            return FHIRPathTemporal("T" + s)
        case (.string(let s), _):
            guard var t = FHIRPathTemporal(s) else { return nil }
            if kind == .date {
                if t.kind == .dateTime { return toTemporal(.dateTime(t), .date) }
                return t
            }
            t.kind = .dateTime
            return t
        default: return nil
        }
    }

    static func toQuantity(_ v: FHIRPathValue) -> FHIRPathQuantity? {
        switch v {
        case .integer(let i): return FHIRPathQuantity(value: Decimal(i), unit: "1")
        case .decimal(let d): return FHIRPathQuantity(value: d.value, unit: "1")
        case .boolean(let b): return FHIRPathQuantity(value: b ? 1 : 0, unit: "1")
        case .quantity(let q): return q
        case .string(let s):
            let trimmed = Self.trim(s)
            let number = trimmed.prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }
            guard isDecimalText(String(number)), let value = Decimal(string: String(number)) else { return nil }
            let rest = Self.trim(String(trimmed.dropFirst(number.count)))
            if rest.isEmpty { return FHIRPathQuantity(value: value, unit: "1") }
            if rest.count >= 2, rest.hasPrefix("'"), rest.hasSuffix("'") {
                return FHIRPathQuantity(value: value, unit: String(rest.dropFirst().dropLast()))
            }
            if FHIRPathQuantity.calendarSingular[rest] != nil { return FHIRPathQuantity(value: value, unit: rest) }
            return nil
        default: return nil
        }
    }

    // MARK: - Boundaries

    private func boundary(_ v: FHIRPathValue, high: Bool, precision: Int?) throws(FHIRError) -> FHIRPathValue? {
        switch v {
        case .integer, .decimal:
            let d = Self.decimalValue(v)!
            let scale = Self.decimalScale(v)
            let target = precision ?? 8
            guard target >= 0, target <= 28 else { return nil }
            var half = Decimal(5)
            for _ in 0...scale { half /= 10 }
            let bound = high ? (d < 0 ? d + half : d + half) : d - half
            if target < scale + 1 {
                return .decimal(FHIRPathDecimal(DecimalMath.round(bound, scale: target, high ? .ceiling : .floor), scale: target))
            }
            return .decimal(FHIRPathDecimal(bound, scale: target))
        case .date(let t), .dateTime(let t), .time(let t):
            var r = t
            let target: FHIRPathTemporal.Precision
            switch (t.kind, precision) {
            case (.date, nil): target = .day
            case (.dateTime, nil): target = .millisecond
            case (.time, nil): target = .millisecond
            case (.time, 2?): target = .hour
            case (.time, 4?): target = .minute
            case (.time, 6?): target = .second
            case (.time, 9?): target = .millisecond
            case (_, 4?): target = .year
            case (_, 6?): target = .month
            case (_, 8?): target = .day
            case (_, 10?): target = .hour
            case (_, 12?): target = .minute
            case (_, 14?): target = .second
            case (_, 17?): target = .millisecond
            default: return nil
            }
            let p = t.kind != .date && t.precision == .hour ? FHIRPathTemporal.Precision.minute : t.precision
            if p < .month { r.month = high ? 12 : 1 }
            if p < .day { r.day = high ? FHIRPathTemporal.daysIn(year: r.year, month: r.month) : 1 }
            if p < .hour { r.hour = high ? 23 : 0 }
            if p < .minute { r.minute = high ? 59 : 0 }
            if p < .second { r.second = high ? 59 : 0 }
            if p < .millisecond { r.millisecond = high ? 999 : 0 }
            if t.kind == .dateTime, r.offsetMinutes == nil, target > .day { r.offsetMinutes = high ? -12 * 60 : 14 * 60 }
            r.precision = target
            return FHIRPathValue(r)
        default:
            return nil
        }
    }
}
