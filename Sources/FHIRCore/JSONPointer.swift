/// A JSON Pointer (RFC 6901): `/name/0/given/-`, with `~1` for `/` and `~0` for `~` inside a name.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The reference tokens, unescaped: `/a~1b/0` is `["a/b", "0"]`; the empty pointer (the whole document) has none.
    public let tokens: [String]

    /// Parses a pointer; throws `FHIRError(.invalid)` unless it is empty or starts with `/`, and for a `~` not
    /// followed by `0` or `1`.
    public init(_ text: String) throws(FHIRError) {
        guard !text.isEmpty else {
            tokens = []
            return
        }
        guard text.hasPrefix("/") else {
            throw FHIRError(.invalid, "Invalid JSON Pointer '\(text)': it must be empty or start with '/'", issueType: "invalid")
        }
        var tokens: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var escape = false
            for ch in raw {
                if escape {
                    switch ch {
                    case "0": token.append("~")
                    case "1": token.append("/")
                    default:
                        throw FHIRError(.invalid, "Invalid JSON Pointer '\(text)': '~' must be followed by 0 or 1", issueType: "invalid")
                    }
                    escape = false
                } else if ch == "~" {
                    escape = true
                } else {
                    token.append(ch)
                }
            }
            if escape {
                throw FHIRError(.invalid, "Invalid JSON Pointer '\(text)': '~' must be followed by 0 or 1", issueType: "invalid")
            }
            tokens.append(token)
        }
        self.tokens = tokens
    }

    /// A pointer made of these (unescaped) tokens.
    public init(tokens: [String]) {
        self.tokens = tokens
    }

    /// The pointer's text, escaped.
    public var description: String {
        tokens.map { "/" + $0.replacingAll("~", with: "~0").replacingAll("/", with: "~1") }.joined()
    }

    /// The value this pointer designates in `document`, nil when there is none.
    public func value(in document: JSON) -> JSON? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let array):
                guard let index = Self.arrayIndex(token), index < array.count else { return nil }
                current = array[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Whether `self` is `other` or lies inside it (`/a/b` is inside `/a`).
    public func isInside(_ other: JSONPointer) -> Bool {
        tokens.count >= other.tokens.count && Array(tokens.prefix(other.tokens.count)) == other.tokens
    }

    /// An array index token: `0` or a number without leading zeros; nil otherwise (including `-`).
    static func arrayIndex(_ token: String) -> Int? {
        guard let first = token.utf8.first, token.utf8.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }),
              first != UInt8(ascii: "0") || token.utf8.count == 1, token.utf8.count <= 9 else { return nil }
        return Int(token)
    }
}

extension String {
    /// The string with every occurrence of `target` replaced (without Foundation).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for ch in self {
            if ch == target { result += replacement } else { result.append(ch) }
        }
        return result
    }
}
