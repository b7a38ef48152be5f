import Foundation

/// A fast structural look at a JSON object's top level without building any values: the importer uses it to read a
/// Bundle's `type` from the first bytes of a file, to count a Bundle's entries, and to read each NDJSON line's
/// `resourceType` and `id` while checking that the line is well-formed JSON.
enum JSONPeek {
    /// The top-level members the importer cares about.
    struct Fields: Equatable {
        var resourceType: String?
        var type: String?
        var id: String?
        /// The number of elements of a top-level `entry` array (only when asked to count).
        var entryCount: Int?
    }

    /// The outcome of a peek.
    enum Result: Equatable {
        /// The fields were found (or the whole object was read).
        case fields(Fields)
        /// The bytes ended before the object did (or before the wanted fields were seen).
        case truncated
        /// The bytes are not a well-formed JSON object.
        case invalid(String)
    }

    /// Reads the top-level members of the JSON object in `bytes`.
    /// - Parameters:
    ///   - stopAfter: stop as soon as all these members (`"resourceType"`, `"type"`, `"id"`) were seen; when empty,
    ///     the whole text is read and checked to be exactly one well-formed JSON object.
    ///   - countEntries: count the elements of the top-level `entry` array.
    static func topLevel(_ bytes: [UInt8], stopAfter: Set<String> = [], countEntries: Bool = false) -> Result {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(bytes: buffer)
            do {
                return .fields(try scanner.topLevel(stopAfter: stopAfter, countEntries: countEntries))
            } catch Scanner.Failure.truncated {
                return .truncated
            } catch Scanner.Failure.invalid(let message, let offset) {
                return .invalid("\(message) at byte \(offset)")
            } catch {
                return .invalid("\(error)")
            }
        }
    }

    /// The scanner proper: a validating recursive-descent reader that skips values.
    private struct Scanner {
        enum Failure: Error { case truncated, invalid(String, Int) }

        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0
        static let maxDepth = 512

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func topLevel(stopAfter: Set<String>, countEntries: Bool) throws -> Fields {
            var fields = Fields()
            var seen = Set<String>()
            skipWhitespace()
            try expect(UInt8(ascii: "{"), "expected a JSON object")
            skipWhitespace()
            if try peek() == UInt8(ascii: "}") {
                i += 1
                return try finish(fields, checkTrailing: stopAfter.isEmpty)
            }
            while true {
                skipWhitespace()
                let key = try string()
                skipWhitespace()
                try expect(UInt8(ascii: ":"), "expected ':'")
                skipWhitespace()
                if key == "resourceType" || key == "type" || key == "id", try peek() == UInt8(ascii: "\"") {
                    let value = try string()
                    switch key {
                    case "resourceType": fields.resourceType = value
                    case "type": fields.type = value
                    default: fields.id = value
                    }
                    seen.insert(key)
                } else if key == "entry" && countEntries {
                    fields.entryCount = try countArray()
                } else {
                    try skipValue(depth: 1)
                }
                if !stopAfter.isEmpty && stopAfter.isSubset(of: seen) { return fields }
                skipWhitespace()
                let c = try next()
                if c == UInt8(ascii: ",") { continue }
                if c == UInt8(ascii: "}") { break }
                throw Failure.invalid("expected ',' or '}'", i - 1)
            }
            if !stopAfter.isEmpty { throw Failure.truncated }
            return try finish(fields, checkTrailing: true)
        }

        mutating func finish(_ fields: Fields, checkTrailing: Bool) throws -> Fields {
            if checkTrailing {
                skipWhitespace()
                if i < bytes.count { throw Failure.invalid("unexpected text after the JSON object", i) }
            }
            return fields
        }

        mutating func countArray() throws -> Int? {
            guard try peek() == UInt8(ascii: "[") else {
                try skipValue(depth: 1)
                return nil
            }
            i += 1
            skipWhitespace()
            if try peek() == UInt8(ascii: "]") { i += 1; return 0 }
            var count = 0
            while true {
                skipWhitespace()
                try skipValue(depth: 2)
                count += 1
                skipWhitespace()
                let c = try next()
                if c == UInt8(ascii: ",") { continue }
                if c == UInt8(ascii: "]") { return count }
                throw Failure.invalid("expected ',' or ']'", i - 1)
            }
        }

        @inline(__always) func peek() throws -> UInt8 {
            guard i < bytes.count else { throw Failure.truncated }
            return bytes[i]
        }

        @inline(__always) mutating func next() throws -> UInt8 {
            guard i < bytes.count else { throw Failure.truncated }
            defer { i += 1 }
            return bytes[i]
        }

        mutating func expect(_ byte: UInt8, _ message: String) throws {
            guard try next() == byte else { throw Failure.invalid(message, i - 1) }
        }

        mutating func skipWhitespace() {
            while i < bytes.count {
                switch bytes[i] {
                case 0x20, 0x0A, 0x0D, 0x09: i += 1
                default: return
                }
            }
        }

        mutating func skipValue(depth: Int) throws {
            guard depth <= Self.maxDepth else { throw Failure.invalid("JSON nested too deeply", i) }
            switch try peek() {
            case UInt8(ascii: "{"):
                i += 1
                skipWhitespace()
                if try peek() == UInt8(ascii: "}") { i += 1; return }
                while true {
                    skipWhitespace()
                    try skipString()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"), "expected ':'")
                    skipWhitespace()
                    try skipValue(depth: depth + 1)
                    skipWhitespace()
                    let c = try next()
                    if c == UInt8(ascii: ",") { continue }
                    if c == UInt8(ascii: "}") { return }
                    throw Failure.invalid("expected ',' or '}'", i - 1)
                }
            case UInt8(ascii: "["):
                i += 1
                skipWhitespace()
                if try peek() == UInt8(ascii: "]") { i += 1; return }
                while true {
                    skipWhitespace()
                    try skipValue(depth: depth + 1)
                    skipWhitespace()
                    let c = try next()
                    if c == UInt8(ascii: ",") { continue }
                    if c == UInt8(ascii: "]") { return }
                    throw Failure.invalid("expected ',' or ']'", i - 1)
                }
            case UInt8(ascii: "\""):
                try skipString()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try number()
            default:
                throw Failure.invalid("unexpected character", i)
            }
        }

        mutating func literal(_ word: StaticString) throws {
            let start = i
            let matches = word.withUTF8Buffer { expected in
                guard bytes.count - i >= expected.count else { return false }
                return expected.elementsEqual(UnsafeBufferPointer(rebasing: bytes[i..<(i + expected.count)]))
            }
            if !matches {
                if bytes.count - i < word.utf8CodeUnitCount { throw Failure.truncated }
                throw Failure.invalid("invalid literal", start)
            }
            i += word.utf8CodeUnitCount
        }

        mutating func number() throws {
            let start = i
            if try peek() == UInt8(ascii: "-") { i += 1 }
            let first = try next()
            if first == UInt8(ascii: "0") {
                // no leading zeros
            } else if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(first) {
                digits()
            } else {
                throw Failure.invalid("invalid number", start)
            }
            if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard digits() > 0 else { throw Failure.invalid("invalid number", start) }
            }
            if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
                i += 1
                if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
                guard digits() > 0 else { throw Failure.invalid("invalid number", start) }
            }
            if i == bytes.count { throw Failure.truncated }
        }

        @discardableResult
        mutating func digits() -> Int {
            let start = i
            while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
            return i - start
        }

        /// Skips a string; returns whether it contained escapes.
        @discardableResult
        mutating func skipString() throws -> Bool {
            let start = i
            try expect(UInt8(ascii: "\""), "expected a string")
            var escaped = false
            while true {
                let c = try next()
                switch c {
                case UInt8(ascii: "\""):
                    return escaped
                case UInt8(ascii: "\\"):
                    escaped = true
                    switch try next() {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                         UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        break
                    case UInt8(ascii: "u"):
                        for _ in 0..<4 {
                            guard isHexDigit(try next()) else { throw Failure.invalid("invalid \\u escape", i - 1) }
                        }
                    default:
                        throw Failure.invalid("invalid escape in string", i - 1)
                    }
                case 0..<0x20:
                    throw Failure.invalid("control character in string starting", start)
                default:
                    break
                }
            }
        }

        /// Reads a string's value.
        mutating func string() throws -> String {
            let start = i
            let escaped = try skipString()
            let literal = UnsafeBufferPointer(rebasing: bytes[start..<i])
            if !escaped { return String(decoding: UnsafeBufferPointer(rebasing: literal.dropFirst().dropLast()), as: UTF8.self) }
            let decoded = try? JSONSerialization.jsonObject(with: Data(buffer: literal), options: .fragmentsAllowed)
            guard let text = decoded as? String else { throw Failure.invalid("invalid string", start) }
            return text
        }

        func isHexDigit(_ c: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(c)
        }
    }
}
