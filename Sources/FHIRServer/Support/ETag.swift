import FHIRCore
/// Weak ETags carrying a resource version: `W/"3"`.
enum ETag {
    /// The ETag of version `version`.
    static func make(_ version: Int) -> String { "W/\"\(version)\"" }

    /// The version named by an `If-Match` / `If-None-Match` value (`W/"3"`, `"3"` or `3`), `nil` if malformed.
    static func version(from header: String) -> Int? {
        var s = header.trimmingHTTPWhitespace
        if s.hasPrefix("W/") || s.hasPrefix("w/") { s = s.dropFirst(2) }
        if s.hasPrefix("\""), s.hasSuffix("\""), s.count >= 2 { s = s.dropFirst().dropLast() }
        guard let v = Int(s), v > 0 else { return nil }
        return v
    }
}

import Foundation
