import Foundation

/// New AuditEvent ids: time-ordered UUIDs (RFC 9562 version 7: 48 bits of Unix milliseconds, then random bits).
///
/// Ids that grow with time land at the end of the trail's id index instead of at a random place in it: each
/// append touches the index's last page rather than reading and rewriting a page anywhere in a large file.
public enum AuditEventID {
    /// A lowercase version-7 UUID string for an event recorded at `date`.
    public static func make(at date: Date) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - i))) }
        var random = SystemRandomNumberGenerator()
        let low = random.next() as UInt64, high = random.next() as UInt16
        for i in 0..<8 { bytes[8 + i] = UInt8(truncatingIfNeeded: low >> (8 * i)) }
        bytes[6] = 0x70 | UInt8(truncatingIfNeeded: high & 0x0F)
        bytes[7] = UInt8(truncatingIfNeeded: high >> 8)
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        let hex = bytes.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}
