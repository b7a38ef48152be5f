/// Validators for the text of FHIR R4 primitive values, hand-coded from the regular expressions of the
/// specification (no regex engine: they run on every element of every resource written).
///
/// Each takes the value as it appears in JSON (the string, or for numbers the number's text).
public enum FHIRPrimitive {
    /// FHIR strings may not be longer than this many bytes (1 MB).
    public static let maxStringBytes = 1_048_576

    /// `id`: 1 to 64 characters from `A-Z a-z 0-9 - .`.
    public static func isValidID(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard (1...64).contains(utf8.count) else { return false }
        return allBytes(of: text) { c in
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
        }
    }

    /// `code`: `[^\s]+(\s[^\s]+)*` — not empty, no leading or trailing whitespace, never two whitespace characters
    /// in a row.
    public static func isValidCode(_ text: String) -> Bool {
        var previousWasSpace = true
        for c in text.utf8 {
            let space = isXMLSpace(c)
            if space && previousWasSpace { return false }
            previousWasSpace = space
        }
        return !previousWasSpace
    }

    /// `uri` (also `url` and `canonical`): `\S*`, no whitespace; must not be empty in JSON.
    public static func isValidURI(_ text: String) -> Bool {
        !text.isEmpty && allBytes(of: text) { !isXMLSpace($0) }
    }

    /// `oid`: `urn:oid:[0-2](\.(0|[1-9][0-9]*))+`.
    public static func isValidOID(_ text: String) -> Bool {
        let b = Array(text.utf8)
        let prefix = Array("urn:oid:".utf8)
        guard b.count >= prefix.count + 3, b.starts(with: prefix) else { return false }
        var i = prefix.count
        guard b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "2") else { return false }
        i += 1
        var arcs = 0
        while i < b.count {
            guard b[i] == UInt8(ascii: "."), i + 1 < b.count else { return false }
            i += 1
            let start = i
            while i < b.count, b[i] &- UInt8(ascii: "0") < 10 { i += 1 }
            guard i > start, b[start] != UInt8(ascii: "0") || i - start == 1 else { return false }
            arcs += 1
        }
        return arcs > 0
    }

    /// `uuid`: `urn:uuid:` and a lower-case 8-4-4-4-12 hexadecimal UUID.
    public static func isValidUUID(_ text: String) -> Bool {
        let b = Array(text.utf8)
        let prefix = Array("urn:uuid:".utf8)
        guard b.count == prefix.count + 36, b.starts(with: prefix) else { return false }
        for (k, c) in b[prefix.count...].enumerated() {
            if k == 8 || k == 13 || k == 18 || k == 23 {
                guard c == UInt8(ascii: "-") else { return false }
            } else {
                guard (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f"))
                else { return false }
            }
        }
        return true
    }

    /// `string` and `markdown`: not empty, at most 1 MB, and no control characters other than tab, carriage return
    /// and line feed.
    public static func isValidString(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= maxStringBytes else { return false }
        return allBytes(of: text) { $0 >= 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }

    /// `base64Binary`: `(\s*([0-9a-zA-Z\+/=]){4}\s*)+` — groups of four base64 characters, whitespace allowed between
    /// them, `=` padding only at the end.
    public static func isValidBase64(_ text: String) -> Bool {
        var count = 0
        var padding = 0
        for c in text.utf8 {
            if isXMLSpace(c) { continue }
            if c == UInt8(ascii: "=") {
                padding += 1
            } else {
                let ok = (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                    || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "+") || c == UInt8(ascii: "/")
                guard ok, padding == 0 else { return false }
            }
            count += 1
        }
        return count > 0 && count % 4 == 0 && padding <= 2
    }

    /// `integer`: a JSON number `-?(0|[1-9][0-9]*)` between -2,147,483,648 and 2,147,483,647.
    public static func isValidInteger(_ numberText: String) -> Bool {
        guard let value = integerValue(numberText) else { return false }
        return value >= -2_147_483_648 && value <= 2_147_483_647
    }

    /// `positiveInt`: a JSON integer from 1 to 2,147,483,647.
    public static func isValidPositiveInt(_ numberText: String) -> Bool {
        guard let value = integerValue(numberText) else { return false }
        return value >= 1 && value <= 2_147_483_647
    }

    /// `unsignedInt`: a JSON integer from 0 to 2,147,483,647.
    public static func isValidUnsignedInt(_ numberText: String) -> Bool {
        guard let value = integerValue(numberText) else { return false }
        return value >= 0 && value <= 2_147_483_647
    }

    /// `decimal`: the JSON number grammar, `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    public static func isValidDecimal(_ numberText: String) -> Bool {
        let b = Array(numberText.utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < b.count, b[i] &- UInt8(ascii: "0") < 10 { i += 1 }
            return i - start
        }
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        let start = i
        let intDigits = digits()
        guard intDigits > 0, intDigits == 1 || b[start] != UInt8(ascii: "0") else { return false }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return false }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == b.count
    }

    /// `xhtml` (`Narrative.div`): a non-empty string whose content starts with a `<div` element. (The XHTML itself
    /// is not parsed here.)
    public static func isValidXHTML(_ text: String) -> Bool {
        let trimmed = text.utf8.drop(while: isXMLSpace)
        return trimmed.starts(with: "<div".utf8) && text.utf8.count <= maxStringBytes
    }

    /// The value of a JSON integer text (`-?(0|[1-9][0-9]*)`, no fraction or exponent), nil otherwise or when it
    /// does not fit 64 bits.
    public static func integerValue(_ numberText: String) -> Int64? {
        let b = numberText.utf8
        var iterator = b.makeIterator()
        guard var c = iterator.next() else { return nil }
        let negative = c == UInt8(ascii: "-")
        if negative {
            guard let next = iterator.next() else { return nil }
            c = next
        }
        guard c &- UInt8(ascii: "0") < 10 else { return nil }
        if c == UInt8(ascii: "0") {
            return iterator.next() == nil ? 0 : nil
        }
        var value = Int64(c - UInt8(ascii: "0"))
        while let d = iterator.next() {
            guard d &- UInt8(ascii: "0") < 10 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(d - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return negative ? -value : value
    }

    /// Whether every UTF-8 byte of `text` satisfies `predicate` (a tight loop over the string's own storage).
    @inline(__always)
    static func allBytes(of text: String, _ predicate: (UInt8) -> Bool) -> Bool {
        if let result = text.utf8.withContiguousStorageIfAvailable({ buffer in
            for b in buffer where !predicate(b) { return false }
            return true
        }) {
            return result
        }
        return text.utf8.allSatisfy(predicate)
    }

    /// Whitespace in the FHIR (XML Schema) regular expressions: space, tab, line feed, carriage return.
    @inline(__always)
    static func isXMLSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
}
