extension JSON {
    /// Parses one JSON document (RFC 8259) from UTF-8 bytes, losslessly.
    ///
    /// Numbers keep their exact text, object members keep their order. Rejected, with a
    /// `FHIRError(.invalid, ..., issueType: "structure")` that says the line and column: empty input, invalid UTF-8,
    /// unescaped control characters in strings, lone surrogate escapes, duplicate keys in one object, anything after
    /// the value, and nesting deeper than `limits.maxDepth`. A leading UTF-8 byte order mark is skipped.
    public static func parse(_ bytes: some Collection<UInt8>, limits: JSONLimits = .default) throws(FHIRError) -> JSON {
        let contiguous: Result<JSON, FHIRError>? = bytes.withContiguousStorageIfAvailable { buffer in
            parse(buffer: buffer, limits: limits)
        }
        if let contiguous { return try contiguous.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { parse(buffer: $0, limits: limits) }.get()
    }

    /// Parses one JSON document from a string; see `parse(_:limits:)` on bytes.
    public static func parse(_ text: String, limits: JSONLimits = .default) throws(FHIRError) -> JSON {
        var text = text
        return try text.withUTF8 { parse(buffer: $0, limits: limits) }.get()
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, limits: JSONLimits) -> Result<JSON, FHIRError> {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            return .failure(FHIRError(.invalid, "Invalid JSON: empty document at line 1 column 1", issueType: "structure"))
        }
        var parser = JSONParser(base: base, count: buffer.count, maxDepth: limits.maxDepth)
        return Result { () throws(FHIRError) -> JSON in try parser.parseDocument() }
    }
}

/// The byte-level recursive-descent parser behind `JSON.parse(_:limits:)`.
///
/// It reads the bytes in place through a pointer (every read is guarded by `i < n`), validates UTF-8 itself, and
/// computes line and column only when it reports an error.
struct JSONParser {
    private let p: UnsafePointer<UInt8>
    private let n: Int
    private let maxDepth: Int
    private var i = 0
    private var depth = 0
    /// Reused buffer for strings that contain escapes.
    private var scratch: [UInt8] = []
    /// Elements of the arrays being parsed, moved into an exactly sized array when each one closes.
    private let elementStack = MoveStack<JSON>()
    /// Members of the objects being parsed, likewise.
    private let memberStack = MoveStack<JSONObject.Member>()

    init(base: UnsafePointer<UInt8>, count: Int, maxDepth: Int) {
        p = base
        n = count
        self.maxDepth = maxDepth
    }

    // MARK: Document and values

    mutating func parseDocument() throws(FHIRError) -> JSON {
        if n >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { i = 3 }
        skipWhitespace()
        if i >= n { throw error("empty document", at: i) }
        let value = try parseValue()
        skipWhitespace()
        if i < n { throw error("unexpected \(describe(at: i)) after the end of the JSON value", at: i) }
        return value
    }

    @inline(__always)
    private func peek(_ j: Int) -> UInt8 { j < n ? p[j] : 0 }

    @inline(__always)
    private mutating func skipWhitespace() {
        while i < n {
            let c = p[i]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            i += 1
        }
    }

    /// Parses the value at `i` (whitespace already skipped).
    private mutating func parseValue() throws(FHIRError) -> JSON {
        guard i < n else { throw error("unexpected end of input, expected a value", at: i) }
        switch p[i] {
        case UInt8(ascii: "{"):
            return try parseObject()
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "\""):
            i += 1
            return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        default:
            throw error("unexpected \(describe(at: i)), expected a value", at: i)
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(FHIRError) {
        let start = i
        let count = literal.utf8CodeUnitCount
        let bytes = literal.utf8Start
        for k in 0..<count where peek(start + k) != bytes[k] {
            throw error("invalid literal, expected '\(literal)'", at: start)
        }
        i += count
        if isIdentifierByte(peek(i)) { throw error("invalid literal, expected '\(literal)'", at: start) }
    }

    @inline(__always)
    private func isIdentifierByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_")
    }

    private mutating func enter() throws(FHIRError) {
        depth += 1
        if depth > maxDepth {
            throw error("nesting deeper than the limit of \(maxDepth) levels", at: i)
        }
    }

    private mutating func parseObject() throws(FHIRError) -> JSON {
        let open = i
        try enter()
        i += 1
        skipWhitespace()
        if peek(i) == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return .object(JSONObject())
        }
        let base = memberStack.count
        var keySet: Set<String>? = nil
        while true {
            guard peek(i) == UInt8(ascii: "\"") else {
                if i >= n { throw error("unterminated object (opened at \(location(open)))", at: i) }
                throw error("unexpected \(describe(at: i)), expected a member name in double quotes", at: i)
            }
            let keyStart = i
            i += 1
            let key = try parseString()
            if keySet != nil {
                if !keySet!.insert(key).inserted { throw error("duplicate key \"\(key)\" in object", at: keyStart) }
            } else {
                if memberStack.contains(key: key, from: base) {
                    throw error("duplicate key \"\(key)\" in object", at: keyStart)
                }
                if memberStack.count - base >= 12 {
                    var set = Set<String>(minimumCapacity: 32)
                    memberStack.forEach(from: base) { set.insert($0.key) }
                    set.insert(key)
                    keySet = set
                }
            }
            skipWhitespace()
            guard peek(i) == UInt8(ascii: ":") else {
                throw error("unexpected \(describe(at: i)), expected ':' after the member name", at: i)
            }
            i += 1
            skipWhitespace()
            let value = try parseValue()
            memberStack.push(JSONObject.Member(key: key, value: value))
            skipWhitespace()
            let c = peek(i)
            if c == UInt8(ascii: ",") {
                i += 1
                skipWhitespace()
                continue
            }
            if c == UInt8(ascii: "}") {
                i += 1
                break
            }
            if i >= n { throw error("unterminated object (opened at \(location(open)))", at: i) }
            throw error("unexpected \(describe(at: i)), expected ',' or '}'", at: i)
        }
        depth -= 1
        var members: [JSONObject.Member] = []
        memberStack.pop(from: base, into: &members)
        return .object(JSONObject(members))
    }

    private mutating func parseArray() throws(FHIRError) -> JSON {
        let open = i
        try enter()
        i += 1
        skipWhitespace()
        if peek(i) == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return .array([])
        }
        let base = elementStack.count
        while true {
            if i >= n { throw error("unterminated array (opened at \(location(open)))", at: i) }
            elementStack.push(try parseValue())
            skipWhitespace()
            let c = peek(i)
            if c == UInt8(ascii: ",") {
                i += 1
                skipWhitespace()
                continue
            }
            if c == UInt8(ascii: "]") {
                i += 1
                break
            }
            if i >= n { throw error("unterminated array (opened at \(location(open)))", at: i) }
            throw error("unexpected \(describe(at: i)), expected ',' or ']'", at: i)
        }
        depth -= 1
        var elements: [JSON] = []
        elementStack.pop(from: base, into: &elements)
        return .array(elements)
    }

    // MARK: Numbers

    @inline(__always)
    private func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    /// Validates the JSON number grammar and returns its exact text.
    private mutating func parseNumber() throws(FHIRError) -> String {
        let start = i
        if p[i] == UInt8(ascii: "-") { i += 1 }
        let first = peek(i)
        if first == UInt8(ascii: "0") {
            i += 1
        } else if isDigit(first) {
            i += 1
            while isDigit(peek(i)) { i += 1 }
        } else {
            throw error("invalid number, expected a digit", at: i)
        }
        if peek(i) == UInt8(ascii: ".") {
            i += 1
            guard isDigit(peek(i)) else { throw error("invalid number, expected a digit after '.'", at: i) }
            while isDigit(peek(i)) { i += 1 }
        }
        let e = peek(i)
        if e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            i += 1
            let sign = peek(i)
            if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { i += 1 }
            guard isDigit(peek(i)) else { throw error("invalid number, expected a digit in the exponent", at: i) }
            while isDigit(peek(i)) { i += 1 }
        }
        let next = peek(i)
        if isIdentifierByte(next) || next == UInt8(ascii: ".") || next == UInt8(ascii: "+") || next == UInt8(ascii: "-") {
            throw error("invalid number (leading zeros and other forms are not allowed in JSON)", at: start)
        }
        return String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
    }

    // MARK: Strings

    /// Parses a string whose opening quote is just before `i`; leaves `i` after the closing quote.
    private mutating func parseString() throws(FHIRError) -> String {
        let start = i
        while true {
            skipPlainASCII()
            guard i < n else { throw error("unterminated string", at: start - 1) }
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
                i += 1
                return s
            }
            if c == UInt8(ascii: "\\") { return try parseEscapedString(start: start) }
            if c < 0x20 { throw error("unescaped control character \(describe(at: i)) in string", at: i) }
            try skipUTF8Sequence()
        }
    }

    /// Advances `i` over bytes that need no attention in a string: ASCII other than `"`, `\` and controls.
    /// Eight bytes at a time while possible.
    @inline(__always)
    private mutating func skipPlainASCII() {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= n {
            let x = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            let quote = x ^ (ones &* 0x22)
            let slash = x ^ (ones &* 0x5C)
            // Any byte < 0x20, equal to '"' or '\\', or with its high bit set? (Exact as a yes/no answer; the
            // scalar loop below then finds which byte.)
            let control = (x &- ones &* 0x20) & ~x
            let quotes = (quote &- ones) & ~quote
            let slashes = (slash &- ones) & ~slash
            if (control | quotes | slashes | x) & highs != 0 { break }
            i += 8
        }
        while i < n {
            let c = p[i]
            guard c >= 0x20, c < 0x80, c != UInt8(ascii: "\""), c != UInt8(ascii: "\\") else { return }
            i += 1
        }
    }

    /// Validates the multi-byte UTF-8 sequence at `i` and advances over it.
    private mutating func skipUTF8Sequence() throws(FHIRError) {
        let c = p[i]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw error("invalid UTF-8 byte 0x\(hex(c))", at: i)
        }
        let second = peek(i + 1)
        guard second >= low, second <= high else { throw error("invalid UTF-8 sequence", at: i) }
        for k in 2..<max(length, 2) {
            let b = peek(i + k)
            guard b & 0xC0 == 0x80 else { throw error("invalid UTF-8 sequence", at: i) }
        }
        i += length
    }

    /// Finishes a string that contains escapes, decoding into `scratch`.
    private mutating func parseEscapedString(start: Int) throws(FHIRError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: p + start, count: i - start))
        while true {
            let runStart = i
            skipPlainASCII()
            guard i < n else { throw error("unterminated string", at: start - 1) }
            var c = p[i]
            while c >= 0x80 {
                try skipUTF8Sequence()
                skipPlainASCII()
                guard i < n else { throw error("unterminated string", at: start - 1) }
                c = p[i]
            }
            if i > runStart { scratch.append(contentsOf: UnsafeBufferPointer(start: p + runStart, count: i - runStart)) }
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if c < 0x20 { throw error("unescaped control character \(describe(at: i)) in string", at: i) }
            // A backslash.
            let escapeStart = i
            i += 1
            let e = peek(i)
            i += 1
            switch e {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(at: i, escapeStart: escapeStart)
                i += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    guard peek(i) == UInt8(ascii: "\\"), peek(i + 1) == UInt8(ascii: "u") else {
                        throw error("unpaired UTF-16 high surrogate escape", at: escapeStart)
                    }
                    let low = try hex4(at: i + 2, escapeStart: i)
                    guard low >= 0xDC00 && low <= 0xDFFF else {
                        throw error("unpaired UTF-16 high surrogate escape", at: escapeStart)
                    }
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    throw error("unpaired UTF-16 low surrogate escape", at: escapeStart)
                }
                appendUTF8(scalar)
            default:
                if escapeStart + 1 >= n { throw error("unterminated string", at: start - 1) }
                throw error("invalid escape sequence '\\\(describeByte(e))' in string", at: escapeStart)
            }
        }
    }

    private func hex4(at j: Int, escapeStart: Int) throws(FHIRError) -> UInt32 {
        var value: UInt32 = 0
        for k in 0..<4 {
            let c = peek(j + k)
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw error("invalid \\u escape, expected 4 hexadecimal digits", at: escapeStart)
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: Errors

    private func error(_ message: String, at offset: Int) -> FHIRError {
        FHIRError(.invalid, "Invalid JSON: \(message) at \(location(offset))", issueType: "structure")
    }

    /// "line L column C" for a byte offset; lines and columns count from 1, columns in Unicode scalars.
    private func location(_ offset: Int) -> String {
        let end = min(offset, n)
        var line = 1
        var column = 1
        for k in 0..<end {
            let c = p[k]
            if c == 0x0A {
                line += 1
                column = 1
            } else if c & 0xC0 != 0x80 {
                column += 1
            }
        }
        return "line \(line) column \(column)"
    }

    private func describe(at j: Int) -> String {
        j < n ? "character \(describeByte(p[j]))" : "end of input"
    }

    private func describeByte(_ c: UInt8) -> String {
        (0x21..<0x7F).contains(c) ? "'\(Character(Unicode.Scalar(c)))'" : "0x\(hex(c))"
    }

    private func hex(_ c: UInt8) -> String {
        let s = String(c, radix: 16, uppercase: true)
        return s.count == 1 ? "0" + s : s
    }
}
