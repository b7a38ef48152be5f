import Foundation

extension Array where Element == UInt8 {
    /// Whether these bytes contain `needle` (an empty needle is always contained): a scan for its first byte
    /// (`memchr`), then a comparison (`memcmp`). Foundation's generic `firstRange(of:)` on byte arrays is far slower
    /// (it cost 9% of an import when every written resource was scanned for a label system).
    public func contains(bytes needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard needle.count <= count else { return false }
        return withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { pattern in
                guard let base = haystack.baseAddress, let wanted = pattern.baseAddress else { return false }
                let lastStart = haystack.count - pattern.count
                var offset = 0
                while offset <= lastStart {
                    guard let found = memchr(base + offset, Int32(first), lastStart - offset + 1) else { return false }
                    let position = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + position, wanted, pattern.count) == 0 { return true }
                    offset = position + 1
                }
                return false
            }
        }
    }
}
