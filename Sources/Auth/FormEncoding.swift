import Foundation

/// `application/x-www-form-urlencoded` encoding and decoding (HTML forms, OAuth requests and redirects).
public enum FormEncoding {
    /// The RFC 3986 unreserved characters (ASCII only, unlike `CharacterSet.alphanumerics`).
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Percent-encodes `text` for a query or form value.
    public static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    /// `name=value&...`, escaped.
    public static func encode(_ items: [(String, String)]) -> String {
        items.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    /// Appends `items` to the query of `url`.
    public static func appendQuery(_ items: [(String, String)], to url: String) -> String {
        url + (url.contains("?") ? "&" : "?") + encode(items)
    }

    /// Decodes a form body or query: `+` is a space, percent escapes are decoded; a repeated name keeps every value.
    public static func decode(_ text: String) -> [(String, String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func unescape(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (unescape(parts[0]), parts.count > 1 ? unescape(parts[1]) : "")
        }
    }

    /// The decoded pairs as a dictionary, the first value of a repeated name winning (OAuth forbids repeats).
    public static func dictionary(_ items: [(String, String)]) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in items where result[name] == nil { result[name] = value }
        return result
    }
}
