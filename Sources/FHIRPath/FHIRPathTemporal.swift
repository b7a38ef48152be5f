import FHIRCore
/// A FHIRPath Date, DateTime or Time with partial precision (`@2015`, `@2015-02-04T14`, `@T14:34`).
public struct FHIRPathTemporal: Sendable, Hashable, CustomStringConvertible {
    /// Which System type this is.
    public enum Kind: Sendable, Hashable { case date, dateTime, time }

    /// How much of the value is known; seconds and milliseconds compare as one precision.
    public enum Precision: Int, Sendable, Hashable, Comparable {
        case year, month, day, hour, minute, second, millisecond
        public static func < (a: Precision, b: Precision) -> Bool { a.rawValue < b.rawValue }
    }

    /// Date, DateTime or Time.
    public var kind: Kind
    /// The finest component given.
    public var precision: Precision
    /// The components; those finer than ``precision`` are 0 (or 1 for month and day).
    public var year = 0
    public var month = 1
    public var day = 1
    public var hour = 0
    public var minute = 0
    public var second = 0
    public var millisecond = 0
    /// Digits written after the decimal point of the seconds (kept for output).
    var fractionDigits = 0
    /// Time-zone offset east of UTC in minutes, nil when not given.
    public var offsetMinutes: Int?

    init(kind: Kind, precision: Precision) {
        self.kind = kind
        self.precision = precision
    }

    /// Parses FHIRPath literal text without `@` (`2015-02-04T14:34:28+09:00`, `T14:34`), or FHIR primitive text
    /// when `kind` is given (`2015-02-04`, `14:34:28`). Nil when malformed.
    public init?(_ text: String, kind expected: Kind? = nil) {
        let b = Array(text.utf8)
        var i = 0
        func num(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in i..<i + n {
                let d = b[k] &- 48
                guard d < 10 else { return nil }
                v = v * 10 + Int(d)
            }
            i += n
            return v
        }
        func at(_ c: Character) -> Bool { i < b.count && b[i] == c.asciiValue! }
        var isTime = false
        if expected == .time {
            isTime = true
        } else if at("T") {
            guard expected == nil else { return nil }
            isTime = true
            i += 1
        }
        if isTime {
            self.init(kind: .time, precision: .hour)
            guard Self.parseTime(b, &i, into: &self), i == b.count else { return nil }
            return
        }
        guard let y = num(4) else { return nil }
        self.init(kind: expected ?? .date, precision: .year)
        year = y
        if at("-") {
            i += 1
            guard let m = num(2), (1...12).contains(m) else { return nil }
            month = m
            precision = .month
            if at("-") {
                i += 1
                guard let d = num(2), d >= 1, d <= Self.daysIn(year: y, month: m) else { return nil }
                day = d
                precision = .day
            }
        }
        if at("T") {
            if expected == .date { return nil }
            kind = .dateTime
            i += 1
            if i < b.count, b[i] &- 48 < 10 {
                guard Self.parseTime(b, &i, into: &self) else { return nil }
            }
            if at("Z") {
                offsetMinutes = 0
                i += 1
            } else if at("+") || at("-") {
                let negative = at("-")
                i += 1
                guard let h = num(2), at(":") else { return nil }
                i += 1
                guard let m = num(2), h <= 14, m < 60 else { return nil }
                offsetMinutes = (negative ? -1 : 1) * (h * 60 + m)
            }
        }
        guard i == b.count else { return nil }
    }

    private static func parseTime(_ b: [UInt8], _ i: inout Int, into t: inout FHIRPathTemporal) -> Bool {
        func num2() -> Int? {
            guard i + 2 <= b.count, b[i] &- 48 < 10, b[i + 1] &- 48 < 10 else { return nil }
            defer { i += 2 }
            return Int(b[i] - 48) * 10 + Int(b[i + 1] - 48)
        }
        guard let h = num2(), h < 24 else { return false }
        t.hour = h
        t.precision = .hour
        guard i < b.count, b[i] == UInt8(ascii: ":") else { return true }
        i += 1
        guard let m = num2(), m < 60 else { return false }
        t.minute = m
        t.precision = .minute
        guard i < b.count, b[i] == UInt8(ascii: ":") else { return true }
        i += 1
        guard let s = num2(), s < 60 else { return false }
        t.second = s
        t.precision = .second
        guard i < b.count, b[i] == UInt8(ascii: ".") else { return true }
        i += 1
        var digits = 0
        var ms = 0
        while i < b.count, b[i] &- 48 < 10 {
            if digits < 3 { ms = ms * 10 + Int(b[i] - 48) }
            digits += 1
            i += 1
        }
        guard digits > 0 else { return false }
        var d = digits
        while d < 3 { ms *= 10; d += 1 }
        t.millisecond = ms
        t.fractionDigits = digits
        t.precision = .millisecond
        return true
    }

    static func daysIn(year: Int, month: Int) -> Int { CivilCalendar.daysInMonth(year: year, month: month) }

    /// Milliseconds since the epoch of the fields as given (ignoring the offset).
    var localMilliseconds: Int {
        let d = kind == .time ? 0 : CivilCalendar.daysFromCivil(year: year, month: month, day: day)
        return (((d * 24 + hour) * 60 + minute) * 60 + second) * 1000 + millisecond
    }

    /// Sets the fields from milliseconds since the epoch.
    mutating func setLocalMilliseconds(_ ms: Int) {
        var rest = ms
        let dayMs = 86_400_000
        var d = rest / dayMs
        rest -= d * dayMs
        if rest < 0 { rest += dayMs; d -= 1 }
        if kind != .time { (year, month, day) = CivilCalendar.civilFromDays(d) }
        millisecond = rest % 1000
        rest /= 1000
        second = rest % 60
        rest /= 60
        minute = rest % 60
        hour = rest / 60
    }

    /// The value moved to UTC when it has an offset and a time part.
    var normalized: FHIRPathTemporal {
        guard let offset = offsetMinutes, offset != 0, kind != .date, precision >= .hour else { return self }
        var copy = self
        copy.setLocalMilliseconds(localMilliseconds - offset * 60_000)
        copy.offsetMinutes = 0
        return copy
    }

    /// Compares per FHIRPath: nil when the values differ in precision and agree as far as both go.
    static func compare(_ a: FHIRPathTemporal, _ b: FHIRPathTemporal) -> Int? {
        var x = a, y = b
        if (x.offsetMinutes != nil) != (y.offsetMinutes != nil), x.precision >= .hour, y.precision >= .hour,
           x.kind == .dateTime, y.kind == .dateTime {
            // One has a time zone and the other not: the order is unknown.
            return nil
        }
        x = x.normalized
        y = y.normalized
        let levels: [(Precision, Int, Int)] = x.kind == .time || y.kind == .time
            ? [(.hour, x.hour, y.hour), (.minute, x.minute, y.minute),
               (.second, x.second * 1000 + x.millisecond, y.second * 1000 + y.millisecond)]
            : [(.year, x.year, y.year), (.month, x.month, y.month), (.day, x.day, y.day), (.hour, x.hour, y.hour),
               (.minute, x.minute, y.minute),
               (.second, x.second * 1000 + x.millisecond, y.second * 1000 + y.millisecond)]
        let px = min(x.precision, .second), py = min(y.precision, .second)
        for (level, u, v) in levels {
            let inX = level <= px, inY = level <= py
            if inX && inY {
                if u != v { return u < v ? -1 : 1 }
            } else if inX != inY {
                return nil
            } else {
                break
            }
        }
        return 0
    }

    /// FHIRPath literal text without `@` (times without `T`).
    public var description: String {
        func p2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var s = ""
        if kind != .time {
            s = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
            if precision >= .month { s += "-" + p2(month) }
            if precision >= .day { s += "-" + p2(day) }
            if kind == .date || precision <= .day { return s }
            s += "T"
        }
        s += p2(hour)
        if precision >= .minute { s += ":" + p2(minute) }
        if precision >= .second { s += ":" + p2(second) }
        if precision >= .millisecond {
            let ms = String(millisecond)
            s += "." + String(repeating: "0", count: 3 - ms.count) + ms
        }
        if kind == .dateTime, let offset = offsetMinutes {
            if offset == 0 {
                s += "Z"
            } else {
                let a = Swift.abs(offset)
                s += (offset < 0 ? "-" : "+") + p2(a / 60) + ":" + p2(a % 60)
            }
        }
        return s
    }
}
