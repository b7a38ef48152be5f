import FHIRCore

/// One lexical token of a FHIRPath expression.
struct FHIRPathToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A plain identifier or keyword (`name`, `and`, `true`, `days`).
        case identifier
        /// A backtick-delimited identifier (never a keyword).
        case delimitedIdentifier
        /// A string literal, unescaped.
        case string
        /// A number literal, as written.
        case number
        /// A date, dateTime or time literal, without the `@`.
        case temporal
        /// `$this`, `$index`, `$total`: the text after `$`.
        case special
        /// `%name`, `%'name'` or `` %`name` ``: the name.
        case variable
        /// An operator or punctuation mark.
        case symbol
        case end
    }
    var kind: Kind
    var text: String
    /// Offset of the token in the expression, for error messages.
    var offset: Int
}

/// Splits a FHIRPath expression into tokens, skipping white space and comments.
struct FHIRPathLexer {
    private let chars: [Character]
    private var i = 0

    init(_ text: String) { chars = Array(text) }

    static func tokens(_ text: String) throws(FHIRError) -> [FHIRPathToken] {
        var lexer = FHIRPathLexer(text)
        var result: [FHIRPathToken] = []
        while true {
            let token = try lexer.next()
            result.append(token)
            if token.kind == .end { return result }
        }
    }

    private func peek(_ k: Int = 0) -> Character? { i + k < chars.count ? chars[i + k] : nil }

    private func fail(_ message: String) -> FHIRError {
        FHIRError(.invalid, "FHIRPath syntax error at \(i): \(message)")
    }

    private mutating func skipTrivia() throws(FHIRError) {
        while let c = peek() {
            if c.isWhitespace {
                i += 1
            } else if c == "/", peek(1) == "/" {
                while let d = peek(), d != "\n" { i += 1 }
            } else if c == "/", peek(1) == "*" {
                i += 2
                while true {
                    guard let d = peek() else { throw fail("unterminated comment") }
                    if d == "*", peek(1) == "/" { i += 2; break }
                    i += 1
                }
            } else {
                return
            }
        }
    }

    private static func isIdentStart(_ c: Character) -> Bool { c == "_" || (c.isASCII && c.isLetter) }
    private static func isIdentPart(_ c: Character) -> Bool { c == "_" || (c.isASCII && (c.isLetter || c.isNumber)) }
    private static func isDigit(_ c: Character?) -> Bool { c.map { $0.isASCII && $0.isNumber } ?? false }

    mutating func next() throws(FHIRError) -> FHIRPathToken {
        try skipTrivia()
        let start = i
        guard let c = peek() else { return FHIRPathToken(kind: .end, text: "", offset: i) }
        if Self.isIdentStart(c) {
            while let d = peek(), Self.isIdentPart(d) { i += 1 }
            return FHIRPathToken(kind: .identifier, text: String(chars[start..<i]), offset: start)
        }
        if Self.isDigit(c) {
            while Self.isDigit(peek()) { i += 1 }
            if peek() == ".", Self.isDigit(peek(1)) {
                i += 1
                while Self.isDigit(peek()) { i += 1 }
            }
            return FHIRPathToken(kind: .number, text: String(chars[start..<i]), offset: start)
        }
        switch c {
        case "'":
            return FHIRPathToken(kind: .string, text: try quoted("'"), offset: start)
        case "`":
            return FHIRPathToken(kind: .delimitedIdentifier, text: try quoted("`"), offset: start)
        case "@":
            i += 1
            return FHIRPathToken(kind: .temporal, text: try temporal(), offset: start)
        case "$":
            i += 1
            let s = i
            while let d = peek(), Self.isIdentPart(d) { i += 1 }
            guard i > s else { throw fail("expected a name after $") }
            return FHIRPathToken(kind: .special, text: String(chars[s..<i]), offset: start)
        case "%":
            i += 1
            if peek() == "'" { return FHIRPathToken(kind: .variable, text: try quoted("'"), offset: start) }
            if peek() == "`" { return FHIRPathToken(kind: .variable, text: try quoted("`"), offset: start) }
            let s = i
            while let d = peek(), Self.isIdentPart(d) { i += 1 }
            guard i > s else { throw fail("expected a name after %") }
            return FHIRPathToken(kind: .variable, text: String(chars[s..<i]), offset: start)
        default:
            break
        }
        let two = peek(1).map { String([c, $0]) } ?? ""
        if ["<=", ">=", "!=", "!~"].contains(two) {
            i += 2
            return FHIRPathToken(kind: .symbol, text: two, offset: start)
        }
        if "().[]{},+-*/&|=~<>".contains(c) {
            i += 1
            return FHIRPathToken(kind: .symbol, text: String(c), offset: start)
        }
        throw fail("unexpected character '\(c)'")
    }

    /// Reads a quoted string or identifier, handling the FHIRPath escapes.
    private mutating func quoted(_ quote: Character) throws(FHIRError) -> String {
        i += 1
        var out = ""
        while true {
            guard let c = peek() else { throw fail("unterminated \(quote == "'" ? "string" : "identifier")") }
            i += 1
            if c == quote { return out }
            if c != "\\" { out.append(c); continue }
            guard let e = peek() else { throw fail("unterminated escape") }
            i += 1
            switch e {
            case "'", "\"", "`", "\\", "/": out.append(e)
            case "f": out.append("\u{0C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "u":
                var hex = ""
                for _ in 0..<4 {
                    guard let h = peek(), h.isHexDigit else { throw fail("bad unicode escape") }
                    hex.append(h)
                    i += 1
                }
                guard let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else { throw fail("bad unicode escape") }
                out.append(Character(scalar))
            default:
                throw fail("unknown escape \\\(e)")
            }
        }
    }

    private mutating func digits(_ n: Int) -> Bool {
        for k in 0..<n where !Self.isDigit(peek(k)) { return false }
        i += n
        return true
    }

    /// Reads the text of a date, dateTime or time literal (after `@`); the parser validates it.
    private mutating func temporal() throws(FHIRError) -> String {
        let start = i
        func text() -> String { String(chars[start..<i]) }
        if peek() == "T" {
            i += 1
            try timePart()
            return text()
        }
        guard digits(4) else { throw fail("bad date literal") }
        if peek() == "-", Self.isDigit(peek(1)) {
            i += 1
            guard digits(2) else { throw fail("bad date literal") }
            if peek() == "-", Self.isDigit(peek(1)) {
                i += 1
                guard digits(2) else { throw fail("bad date literal") }
            }
        }
        if peek() == "T" {
            i += 1
            if Self.isDigit(peek()) { try timePart() }
            timeZone()
        }
        return text()
    }

    private mutating func timePart() throws(FHIRError) {
        guard digits(2) else { throw fail("bad time literal") }
        if peek() == ":", Self.isDigit(peek(1)) {
            i += 1
            guard digits(2) else { throw fail("bad time literal") }
            if peek() == ":", Self.isDigit(peek(1)) {
                i += 1
                guard digits(2) else { throw fail("bad time literal") }
                if peek() == ".", Self.isDigit(peek(1)) {
                    i += 1
                    while Self.isDigit(peek()) { i += 1 }
                }
            }
        }
        // A time zone on a time literal is not allowed; keep it in the text so the parser can reject it.
        timeZone()
    }

    private mutating func timeZone() {
        if peek() == "Z" { i += 1; return }
        if let s = peek(), s == "+" || s == "-", Self.isDigit(peek(1)), Self.isDigit(peek(2)), peek(3) == ":",
           Self.isDigit(peek(4)), Self.isDigit(peek(5)) {
            i += 6
        }
    }
}
