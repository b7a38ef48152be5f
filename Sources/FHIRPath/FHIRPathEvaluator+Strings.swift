#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import FHIRCore

extension FHIRPathEvaluator {
    /// The string functions (input: a single String).
    func stringFunction(_ f: FHIRPathFunction, _ args: [FHIRPathSyntax], _ v: FHIRPathValue, _ scope: Scope) throws(FHIRError) -> Collection {
        guard case .string(let s) = v else { throw Self.error("\(f.rawValue)() needs a string input, got \(v.typeName)") }
        func arg(_ i: Int) throws(FHIRError) -> String? { try string(try argument(args, i, scope), f.rawValue) }
        switch f {
        case .indexOf:
            guard let sub = try arg(0) else { return [] }
            if sub.isEmpty { return [.integer(0)] }
            guard let r = s.range(of: sub) else { return [.integer(-1)] }
            return [.integer(s.distance(from: s.startIndex, to: r.lowerBound))]
        case .substring:
            guard let start = try integer(try argument(args, 0, scope), "substring") else { return [] }
            let chars = Array(s)
            guard start >= 0, start < chars.count else { return [] }
            var length = chars.count - start
            if args.count > 1 {
                guard let l = try integer(try argument(args, 1, scope), "substring") else { return [.string(String(chars[start...]))] }
                length = max(0, min(l, length))
            }
            return [.string(String(chars[start..<start + length]))]
        case .startsWith:
            guard let p = try arg(0) else { return [] }
            return [.boolean(p.isEmpty || s.hasPrefix(p))]
        case .endsWith:
            guard let p = try arg(0) else { return [] }
            return [.boolean(p.isEmpty || s.hasSuffix(p))]
        case .contains:
            guard let p = try arg(0) else { return [] }
            return [.boolean(p.isEmpty || s.contains(p))]
        case .upper: return [.string(s.uppercased())]
        case .lower: return [.string(s.lowercased())]
        case .replace:
            guard let pattern = try arg(0), let substitution = try arg(1) else { return [] }
            if pattern.isEmpty {
                return [.string(substitution + s.map { String($0) + substitution }.joined())]
            }
            return [.string(s.replacing(pattern, with: substitution))]
        case .matches, .matchesFull:
            guard let pattern = try arg(0) else { return [] }
            let regex = try Self.regex(pattern)
            if f == .matchesFull { return [.boolean((try? regex.wholeMatch(in: s)) != nil)] }
            return [.boolean((try? regex.firstMatch(in: s)) != nil)]
        case .replaceMatches:
            guard let pattern = try arg(0), let substitution = try arg(1) else { return [] }
            if pattern.isEmpty { return [.string(s)] }
            let regex = try Self.regex(pattern)
            var out = ""
            var last = s.startIndex
            for m in s.matches(of: regex) {
                out += s[last..<m.range.lowerBound]
                out += Self.expand(substitution, m.output)
                last = m.range.upperBound
            }
            out += s[last...]
            return [.string(out)]
        case .length: return [.integer(s.count)]
        case .toChars: return s.map { .string(String($0)) }
        case .trim: return [.string(Self.trim(s))]
        case .split:
            guard let sep = try arg(0) else { return [] }
            if sep.isEmpty { return s.map { .string(String($0)) } }
            return s.split(separator: sep, omittingEmptySubsequences: false).map { .string(String($0)) }
        case .encode, .decode, .escape, .unescape:
            guard let format = try arg(0) else { return [] }
            return Self.codec(f, format, s).map { [.string($0)] } ?? []
        default:
            throw Self.error("\(f.rawValue)() is not supported")
        }
    }

    /// `s` without leading and trailing white space.
    static func trim(_ s: String) -> String {
        let chars = Substring(s).drop(while: \.isWhitespace)
        return String(chars.reversed().drop(while: \.isWhitespace).reversed())
    }

    static func regex(_ pattern: String) throws(FHIRError) -> Regex<AnyRegexOutput> {
        do {
            return try Regex(pattern).dotMatchesNewlines()
        } catch {
            throw Self.error("invalid regular expression \(pattern)")
        }
    }

    /// Replaces `$1`... in a replaceMatches substitution with the captured groups.
    static func expand(_ template: String, _ output: AnyRegexOutput) -> String {
        var out = ""
        var chars = template.makeIterator()
        var pending: Character? = chars.next()
        while let c = pending {
            pending = chars.next()
            if c == "$", let d = pending, let n = d.wholeNumberValue {
                pending = chars.next()
                if n < output.count, let sub = output[n].substring { out += sub }
            } else {
                out.append(c)
            }
        }
        return out
    }

    static func codec(_ f: FHIRPathFunction, _ format: String, _ s: String) -> String? {
        switch (f, format) {
        case (.encode, "base64"): return Data(s.utf8).base64EncodedString()
        case (.encode, "urlbase64"):
            return Data(s.utf8).base64EncodedString().replacing("+", with: "-").replacing("/", with: "_")
        case (.encode, "hex"): return s.utf8.map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined()
        case (.decode, "base64"): return Data(base64Encoded: s).map { String(decoding: $0, as: UTF8.self) }
        case (.decode, "urlbase64"):
            let b = s.replacing("-", with: "+").replacing("_", with: "/")
            return Data(base64Encoded: b).map { String(decoding: $0, as: UTF8.self) }
        case (.decode, "hex"):
            var bytes: [UInt8] = []
            var it = s.makeIterator()
            while let h = it.next() {
                guard let l = it.next(), let v = UInt8(String([h, l]), radix: 16) else { return nil }
                bytes.append(v)
            }
            return String(decoding: bytes, as: UTF8.self)
        case (.escape, "html"):
            return s.replacing("&", with: "&amp;").replacing("<", with: "&lt;")
                .replacing(">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
                .replacing("'", with: "&#39;")
        case (.unescape, "html"):
            return s.replacing("&lt;", with: "<").replacing("&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacing("&#39;", with: "'")
                .replacing("&amp;", with: "&")
        case (.escape, "json"):
            return s.replacing("\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacing("\n", with: "\\n").replacing("\t", with: "\\t")
        case (.unescape, "json"):
            return s.replacingOccurrences(of: "\\\"", with: "\"").replacing("\\n", with: "\n")
                .replacing("\\t", with: "\t").replacing("\\\\", with: "\\")
        default: return nil
        }
    }
}
