extension StringProtocol {
    /// The text without leading and trailing ASCII spaces and tabs: what HTTP calls optional whitespace (RFC 9110
    /// §5.6.3). Works on the UTF-8 view, without Foundation's `trimmingCharacters(in:)`, which on Linux bridges
    /// through `NSString` and costs microseconds per header on every request.
    public var trimmingHTTPWhitespace: Substring {
        let text = Substring(self)
        let utf8 = text.utf8
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) }) else {
            return Substring()
        }
        return text[first...last]
    }
}
