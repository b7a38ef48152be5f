extension JSON {
    /// The value as UTF-8 JSON text: compact by default, or indented by two spaces per level when `pretty`.
    ///
    /// Numbers are written as their stored text, members in their order. Strings escape `"`, `\` and control
    /// characters (`\n`, `\t`, ... or `\u00XX`); `/` and non-ASCII characters are written as they are (UTF-8).
    public func serialized(pretty: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        serialize(into: &out, pretty: pretty)
        return out
    }

    /// Appends the value as UTF-8 JSON text to `buffer` (see ``serialized(pretty:)``); handy for assembling a
    /// Bundle or a stream without intermediate copies.
    public func serialize(into buffer: inout [UInt8], pretty: Bool = false) {
        var writer = JSONWriter(out: buffer, pretty: pretty)
        buffer = []
        writer.write(self)
        buffer = writer.out
    }

    /// The value as compact JSON text.
    public var jsonString: String { String(decoding: serialized(), as: UTF8.self) }
}

/// Writes `JSON` values as UTF-8 bytes.
struct JSONWriter {
    var out: [UInt8]
    let pretty: Bool
    private var level = 0

    init(out: [UInt8] = [], pretty: Bool) {
        self.out = out
        self.pretty = pretty
    }

    mutating func write(_ value: JSON) {
        switch value {
        case .null:
            append("null")
        case .bool(let b):
            append(b ? "true" : "false")
        case .number(let text):
            var text = text
            text.withUTF8 { out.append(contentsOf: $0) }
        case .string(let s):
            writeString(s)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            if elements.isEmpty {
                out.append(UInt8(ascii: "]"))
                return
            }
            level += 1
            var first = true
            for element in elements {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                newline()
                write(element)
            }
            level -= 1
            newline()
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            if object.isEmpty {
                out.append(UInt8(ascii: "}"))
                return
            }
            level += 1
            var first = true
            for member in object.members {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                newline()
                writeString(member.key)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                write(member.value)
            }
            level -= 1
            newline()
            out.append(UInt8(ascii: "}"))
        }
    }

    @inline(__always)
    private mutating func append(_ literal: StaticString) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    @inline(__always)
    private mutating func newline() {
        guard pretty else { return }
        out.append(0x0A)
        for _ in 0..<(level * 2) { out.append(0x20) }
    }

    private mutating func writeString(_ string: String) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            guard let p = bytes.baseAddress else { return }
            let n = bytes.count
            var runStart = 0
            var j = 0
            while j < n {
                let c = p[j]
                if c >= 0x20 && c != 0x22 && c != 0x5C {
                    j += 1
                    continue
                }
                if j > runStart { out.append(contentsOf: UnsafeBufferPointer(start: p + runStart, count: j - runStart)) }
                out.append(UInt8(ascii: "\\"))
                switch c {
                case 0x22: out.append(0x22)
                case 0x5C: out.append(0x5C)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                default:
                    let digits: StaticString = "0123456789abcdef"
                    out.append(UInt8(ascii: "u"))
                    out.append(UInt8(ascii: "0"))
                    out.append(UInt8(ascii: "0"))
                    out.append(digits.utf8Start[Int(c >> 4)])
                    out.append(digits.utf8Start[Int(c & 0x0F)])
                }
                j += 1
                runStart = j
            }
            if n > runStart { out.append(contentsOf: UnsafeBufferPointer(start: p + runStart, count: n - runStart)) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
