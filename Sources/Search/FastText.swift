import Store

/// ``SearchText/normalize(_:)`` with a byte-level fast path for ASCII text (most of clinical data), giving the same
/// result: the index builder normalises every string and every code's text, and Character-by-Character
/// whitespace tests dominated its time.
enum FastText {
    static func normalize(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for b in text.utf8 {
            if b >= 0x80 { return SearchText.normalize(text) }
            // The ASCII characters whose `isWhitespace` is true: tab, line feed, vertical tab, form feed, carriage
            // return and space.
            if (b >= 0x09 && b <= 0x0D) || b == 0x20 {
                pendingSpace = !bytes.isEmpty
            } else {
                if pendingSpace { bytes.append(0x20); pendingSpace = false }
                bytes.append(b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
