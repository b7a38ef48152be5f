/// Small helpers over FHIRPath expression text (no parsing beyond parentheses and quotes).
enum FHIRPathText {
    /// Splits at the `|` operators that are not inside parentheses or string literals.
    static func splitUnion(_ expression: String) -> [String] {
        var parts: [String] = []
        var depth = 0
        var inString = false
        var current = ""
        var previous: Character = " "
        for ch in expression {
            if inString {
                if ch == "'" && previous != "\\" { inString = false }
            } else if ch == "'" {
                inString = true
            } else if ch == "(" {
                depth += 1
            } else if ch == ")" {
                depth -= 1
            } else if ch == "|" && depth == 0 {
                parts.append(current.trimmingWhitespace())
                current = ""
                previous = ch
                continue
            }
            current.append(ch)
            previous = ch
        }
        let last = current.trimmingWhitespace()
        if !last.isEmpty { parts.append(last) }
        return parts
    }

    /// The first identifier of a path expression, ignoring opening parentheses: `(Observation.value as Quantity)`
    /// -> `Observation`.
    static func rootName(_ part: String) -> String {
        let trimmed = part.drop { $0 == "(" || $0 == " " }
        return String(trimmed.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
