import Foundation

/// The one normalisation of string search values, used both when indexing and when querying so that they agree:
/// case-insensitive, accent-insensitive (`Élodie` and `elodie` match), whitespace collapsed.
public enum SearchText {
    /// Lowercased, without diacritics, runs of whitespace as one space, trimmed.
    public static func normalize(_ text: String) -> String {
        // Fast path: plain ASCII needs only lowercasing and whitespace handling.
        var ascii = true
        for b in text.utf8 where b >= 0x80 { ascii = false; break }
        let folded = ascii ? text.lowercased()
            : text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil).lowercased()
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
