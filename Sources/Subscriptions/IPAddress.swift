import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, as the ``EndpointPolicy`` reasons about it: parsed from a URL host in every spelling
/// the system's resolver would accept, compared with ranges (CIDR), written back in the canonical form.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// An IPv4 address, most significant byte first (`127.0.0.1` is `0x7F00_0001`).
    case v4(UInt32)
    /// An IPv6 address, most significant byte first.
    case v6(UInt128)

    /// Parses a host that is an IP address: an IPv6 address (brackets and a zone such as `%eth0` allowed), or an
    /// IPv4 address in any of the spellings `inet_aton` accepts, which `getaddrinfo` (and so the HTTP client)
    /// honours too: one to four parts, each decimal, octal (`0177`) or hexadecimal (`0x7f`), the last part filling
    /// the remaining bytes (`127.1`, `2130706433`, `0x7f.0.0.1`). A trailing dot is ignored. Nil for a name.
    public init?(literal host: String) {
        var text = host
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if text.contains(":") {
            if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
            guard let value = Self.parseIPv6(text) else { return nil }
            self = .v6(value)
            return
        }
        if text.hasSuffix(".") { text.removeLast() }
        guard let value = Self.parseIPv4(text) else { return nil }
        self = .v4(value)
    }

    /// `inet_aton`'s grammar, written out so that it does not depend on the platform's lenience.
    private static func parseIPv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = number(part) else { return nil }
            numbers.append(number)
        }
        var value: UInt64 = 0
        for (index, number) in numbers.enumerated() {
            let isLast = index == numbers.count - 1
            // Leading parts are one byte each; the last part fills the bytes left.
            let bits = isLast ? 8 * (4 - index) : 8
            guard number < (UInt64(1) << bits) else { return nil }
            value = isLast ? (value << UInt64(bits)) | number : (value << 8) | number
        }
        return UInt32(value)
    }

    /// One part of an IPv4 spelling: `0x` hexadecimal, leading-zero octal, or decimal.
    private static func number(_ part: Substring) -> UInt64? {
        guard !part.isEmpty else { return nil }
        let lower = part.lowercased()
        if lower.hasPrefix("0x") {
            let digits = lower.dropFirst(2)
            return digits.isEmpty ? 0 : UInt64(digits, radix: 16)
        }
        if lower.count > 1, lower.hasPrefix("0") { return UInt64(lower.dropFirst(), radix: 8) }
        return UInt64(lower, radix: 10)
    }

    private static func parseIPv6(_ text: String) -> UInt128? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { bytes in bytes.reduce(UInt128(0)) { ($0 << 8) | UInt128($1) } }
    }

    /// The address of a `sockaddr` returned by `getaddrinfo` (nil for another family).
    init?(socketAddress pointer: UnsafePointer<sockaddr>) {
        switch Int32(pointer.pointee.sa_family) {
        case AF_INET:
            let value = pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            self = .v4(UInt32(bigEndian: value))
        case AF_INET6:
            var address = pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
            self = .v6(withUnsafeBytes(of: &address) { bytes in bytes.reduce(UInt128(0)) { ($0 << 8) | UInt128($1) } })
        default:
            return nil
        }
    }

    /// The number of bits (32 or 128).
    public var bitWidth: Int {
        switch self {
        case .v4: 32
        case .v6: 128
        }
    }

    /// Whether the address lies in `network/prefix` (a network of the other family never contains it).
    public func isIn(_ network: IPAddress, prefix: Int) -> Bool {
        switch (self, network) {
        case (.v4(let a), .v4(let n)):
            let mask: UInt32 = prefix <= 0 ? 0 : prefix >= 32 ? .max : ~(UInt32.max >> UInt32(prefix))
            return a & mask == n & mask
        case (.v6(let a), .v6(let n)):
            let mask: UInt128 = prefix <= 0 ? 0 : prefix >= 128 ? .max : ~(UInt128.max >> UInt128(prefix))
            return a & mask == n & mask
        default:
            return false
        }
    }

    /// `127.0.0.1`, `2001:db8::1` (the system's `inet_ntop` form, which the HTTP client parses back).
    public var description: String {
        switch self {
        case .v4(let value):
            return [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xFF) }.joined(separator: ".")
        case .v6(let value):
            var address = in6_addr()
            withUnsafeMutableBytes(of: &address) { bytes in
                for index in 0..<16 { bytes[index] = UInt8(truncatingIfNeeded: value >> UInt128(8 * (15 - index))) }
            }
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return "::" }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
