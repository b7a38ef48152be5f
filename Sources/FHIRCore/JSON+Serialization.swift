extension JSON {
    /// The value as UTF-8 JSON text: compact by default, or indented by two spaces per level when `pretty`.
    ///
    /// Numbers are written as their stored text, members in their order. Strings escape `"`, `\` and control
    /// characters (`\n`, `\t`, ... or `\u00XX`); `/` and non-ASCII characters are written as they are (UTF-8).
    public func serialized(pretty: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        serialize(into: &out, pretty: pretty)
        return out
    }

    /// Appends the value as UTF-8 JSON text to `buffer` (see ``serialized(pretty:)``); handy for assembling a
    /// Bundle or a stream without intermediate copies.
    public func serialize(into buffer: inout [UInt8], pretty: Bool = false) {
        var writer = JSONWriter(pretty: pretty)
        writer.write(self)
        writer.append(to: &buffer)
    }

    /// The value as compact JSON text.
    public var jsonString: String { String(decoding: serialized(), as: UTF8.self) }
}

/// Writes `JSON` values as UTF-8 bytes into a growable buffer it owns (no per-byte uniqueness checks), handed
/// over as an array at the end.
struct JSONWriter: ~Copyable {
    private var p: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    private let pretty: Bool
    private var level = 0

    init(pretty: Bool, capacity: Int = 1024) {
        self.pretty = pretty
        self.capacity = capacity
        p = .allocate(capacity: capacity)
    }

    deinit { p.deallocate() }

    /// Appends the bytes written so far to `array`.
    func append(to array: inout [UInt8]) {
        array.append(contentsOf: UnsafeBufferPointer(start: p, count: count))
    }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.initialize(from: p, count: count)
        p.deallocate()
        p = bigger
        capacity = newCapacity
    }

    @inline(__always)
    private mutating func byte(_ b: UInt8) {
        reserve(1)
        p[count] = b
        count += 1
    }

    @inline(__always)
    private mutating func bytes(_ source: UnsafePointer<UInt8>, _ n: Int) {
        reserve(n)
        (p + count).update(from: source, count: n)
        count += n
    }

    @inline(__always)
    private mutating func literal(_ text: StaticString) {
        bytes(text.utf8Start, text.utf8CodeUnitCount)
    }

    mutating func write(_ value: borrowing JSON) {
        switch value {
        case .null:
            literal("null")
        case .bool(let b):
            if b { literal("true") } else { literal("false") }
        case .number(let text):
            raw(text)
        case .string(let s):
            writeString(s)
        case .array(let elements):
            if elements.isEmpty {
                literal("[]")
                return
            }
            byte(UInt8(ascii: "["))
            level += 1
            for k in elements.indices {
                if k > 0 { byte(UInt8(ascii: ",")) }
                newline()
                write(elements[k])
            }
            level -= 1
            newline()
            byte(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty {
                literal("{}")
                return
            }
            byte(UInt8(ascii: "{"))
            level += 1
            let members = object.members
            for k in members.indices {
                if k > 0 { byte(UInt8(ascii: ",")) }
                newline()
                writeString(members[k].key)
                if pretty { literal(": ") } else { byte(UInt8(ascii: ":")) }
                write(members[k].value)
            }
            level -= 1
            newline()
            byte(UInt8(ascii: "}"))
        }
    }

    @inline(__always)
    private mutating func newline() {
        guard pretty else { return }
        let n = level * 2 + 1
        reserve(n)
        p[count] = 0x0A
        (p + count + 1).update(repeating: 0x20, count: n - 1)
        count += n
    }

    private mutating func raw(_ text: String) {
        if let done: Void = text.utf8.withContiguousStorageIfAvailable({ buffer in
            if let base = buffer.baseAddress { bytes(base, buffer.count) }
        }) {
            return done
        }
        for b in text.utf8 { byte(b) }
    }

    private mutating func writeString(_ string: String) {
        if let done: Void = string.utf8.withContiguousStorageIfAvailable({ buffer in
            writeEscaped(buffer)
        }) {
            return done
        }
        let copy = Array(string.utf8)
        copy.withUnsafeBufferPointer { writeEscaped($0) }
    }

    private mutating func writeEscaped(_ buffer: UnsafeBufferPointer<UInt8>) {
        let n = buffer.count
        // Worst case every byte becomes \u00XX; reserve for the common case and grow on escapes.
        reserve(n + 2)
        p[count] = UInt8(ascii: "\"")
        count += 1
        guard let s = buffer.baseAddress else {
            byte(UInt8(ascii: "\""))
            return
        }
        var runStart = 0
        var j = 0
        while j < n {
            // Eight bytes at a time while none needs escaping (< 0x20, '"' or '\\').
            while j + 8 <= n {
                let x = UnsafeRawPointer(s + j).loadUnaligned(as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101
                let quote = x ^ (ones &* 0x22)
                let slash = x ^ (ones &* 0x5C)
                let found = ((x &- ones &* 0x20) & ~x) | ((quote &- ones) & ~quote) | ((slash &- ones) & ~slash)
                if found & (ones &* 0x80) != 0 { break }
                j += 8
            }
            if j >= n { break }
            let c = s[j]
            if c >= 0x20 && c != 0x22 && c != 0x5C {
                j += 1
                continue
            }
            if j > runStart { bytes(s + runStart, j - runStart) }
            switch c {
            case 0x22: literal("\\\"")
            case 0x5C: literal("\\\\")
            case 0x0A: literal("\\n")
            case 0x0D: literal("\\r")
            case 0x09: literal("\\t")
            case 0x08: literal("\\b")
            case 0x0C: literal("\\f")
            default:
                let digits: StaticString = "0123456789abcdef"
                literal("\\u00")
                byte(digits.utf8Start[Int(c >> 4)])
                byte(digits.utf8Start[Int(c & 0x0F)])
            }
            j += 1
            runStart = j
        }
        if n > runStart { bytes(s + runStart, n - runStart) }
        byte(UInt8(ascii: "\""))
    }
}
