import Foundation

/// The one normalisation of string search values, used both when indexing and when querying so that they agree:
/// case-insensitive, accent-insensitive (`Élodie` and `elodie` match), whitespace collapsed.
public enum SearchText {
    /// Lowercased, without diacritics, runs of whitespace as one space, trimmed.
    ///
    /// ASCII text (most clinical data) takes a byte-level path with the same result: the index builder
    /// normalises every string and every code's text, and Character-by-Character whitespace tests dominated its
    /// time.
    public static func normalize(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for b in text.utf8 {
            if b >= 0x80 { return normalizeUnicode(text) }
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

    /// The general path: folds case, diacritics and width, then collapses whitespace.
    private static func normalizeUnicode(_ text: String) -> String {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
        var out = ""
        out.reserveCapacity(folded.utf8.count)
        var pendingSpace = false
        for c in folded {
            if c.isWhitespace {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" "); pendingSpace = false }
                out.append(c)
            }
        }
        return out
    }
}
