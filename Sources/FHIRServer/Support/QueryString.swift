import Foundation

/// Parses `a=1&b=x%7Cy` query strings (and form bodies) into ordered, percent-decoded items.
public enum QueryString {
    /// The items of `query` (without the leading `?`). `+` is a space only in form bodies (`form: true`).
    public static func parse(_ query: String, form: Bool = false) -> [FHIRRequest.QueryItem] {
        var q = Substring(query)
        if q.hasPrefix("?") { q = q.dropFirst() }
        return q.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0], form: form)
            let value = parts.count > 1 ? decode(parts[1], form: form) : ""
            return FHIRRequest.QueryItem(name, value)
        }
    }

    private static func decode(_ s: Substring, form: Bool) -> String {
        if !s.utf8.contains(UInt8(ascii: "%")) && !(form && s.utf8.contains(UInt8(ascii: "+"))) { return String(s) }
        let text = form ? s.replacingOccurrences(of: "+", with: " ") : String(s)
        return text.removingPercentEncoding ?? text
    }
}
