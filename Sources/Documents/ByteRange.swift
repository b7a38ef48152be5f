/// One HTTP byte range (RFC 9110 §14) resolved against a document's size: the `Range: bytes=…` of an ITI-68
/// retrieve. Only single ranges are served; a multi-range request is answered with the whole document, which
/// RFC 9110 allows.
public struct ByteRange: Sendable, Hashable {
    /// First byte, inclusive.
    public var first: Int64
    /// Last byte, inclusive.
    public var last: Int64
    /// Number of bytes.
    public var length: Int64 { last - first + 1 }

    /// A range of `first...last`.
    public init(first: Int64, last: Int64) {
        self.first = first
        self.last = last
    }

    /// The `Content-Range` value of this range of a document of `size` bytes.
    public func contentRange(size: Int64) -> String { "bytes \(first)-\(last)/\(size)" }

    /// What a `Range` header asks of a document of `size` bytes.
    public enum Request: Sendable, Hashable {
        /// Send the whole document (no header, another unit, several ranges, or a malformed header: RFC 9110
        /// says to ignore a Range header that cannot be parsed).
        case whole
        /// Send this part (206).
        case partial(ByteRange)
        /// Nothing of the document satisfies it (416, `Content-Range: bytes */size`).
        case unsatisfiable
    }

    /// Reads a `Range` header against a document of `size` bytes.
    public static func parse(_ header: String?, size: Int64) -> Request {
        guard let header else { return .whole }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = trimmed.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(",") else { return .whole }
        guard let dash = spec.firstIndex(of: "-") else { return .whole }
        let startText = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let endText = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        if startText.isEmpty {
            // Suffix range: the last N bytes.
            guard let n = Int64(endText), n >= 0 else { return .whole }
            guard n > 0, size > 0 else { return .unsatisfiable }
            return .partial(ByteRange(first: max(0, size - n), last: size - 1))
        }
        guard let start = Int64(startText), start >= 0 else { return .whole }
        var end = size - 1
        if !endText.isEmpty {
            guard let e = Int64(endText), e >= start else { return .whole }
            end = min(e, size - 1)
        }
        guard start < size else { return .unsatisfiable }
        return .partial(ByteRange(first: start, last: end))
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
