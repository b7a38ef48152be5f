import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a host name into the addresses a connection to it could reach. ``system`` asks the operating system
/// (`getaddrinfo`: `/etc/hosts`, then DNS), off the Swift concurrency threads since the call blocks; tests give
/// their own table.
public struct HostResolver: Sendable {
    /// A name that does not resolve now (no such name, no address, or the resolver is unreachable).
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    private let body: @Sendable (String) async throws(Failure) -> [IPAddress]

    /// A resolver answering with `body`.
    public init(_ body: @escaping @Sendable (String) async throws(Failure) -> [IPAddress]) {
        self.body = body
    }

    /// Every address of `host` (IPv4 and IPv6, in the system's order of preference); throws when there is none.
    public func addresses(of host: String) async throws(Failure) -> [IPAddress] {
        try await body(host)
    }

    /// The system resolver (`getaddrinfo` with no address family preference).
    public static let system = HostResolver { host throws(Failure) in
        let result: Result<[IPAddress], Failure> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: lookUp(host)) }
        }
        return try result.get()
    }

    /// A fixed table (tests): names missing from it do not resolve.
    public static func table(_ entries: [String: [IPAddress]]) -> HostResolver {
        HostResolver { host throws(Failure) in
            guard let found = entries[host.lowercased()], !found.isEmpty else { throw Failure("\(host) does not resolve") }
            return found
        }
    }

    private static func lookUp(_ host: String) -> Result<[IPAddress], Failure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            return .failure(Failure("\(host) does not resolve (\(String(cString: gai_strerror(status))))"))
        }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let socketAddress = entry.pointee.ai_addr, let address = IPAddress(socketAddress: socketAddress), !addresses.contains(address) {
                addresses.append(address)
            }
            cursor = entry.pointee.ai_next
        }
        return addresses.isEmpty ? .failure(Failure("\(host) has no IPv4 or IPv6 address")) : .success(addresses)
    }
}
