import Foundation

/// Where rest-hook notifications may be sent: the guard against server-side request forgery (a Subscription
/// naming `http://169.254.169.254/...` or `http://127.0.0.1:5432/` would otherwise make the server post from
/// inside its network).
///
/// An endpoint is refused when its host is `localhost` (or a name under `.localhost`), or is, or resolves to, an
/// address in a range that is not the public internet (``Range``: loopback, private, link-local, unspecified,
/// carrier-grade NAT, multicast, broadcast, reserved), including the IPv6 forms that carry such an IPv4 address
/// (IPv4-mapped `::ffff:127.0.0.1`, IPv4-compatible, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`). Host spellings are
/// read as the system resolver reads them, so `2130706433`, `0x7f.1` and `0177.0.0.1` are all 127.0.0.1. A name
/// is refused when *any* of its addresses is forbidden.
///
/// The operator's allow-list (`dossier serve --subscription-allow-hosts`, ``AllowRule``) lets a deployment
/// deliver to internal receivers: a host name (any port, or one port), or an address range in CIDR notation.
///
/// The policy is applied twice: when a Subscription is written (``SubscriptionValidation/checkEndpoint(_:policy:)``,
/// where a name that does not resolve is accepted: the receiver may not be published yet), and by
/// ``RestHookSender`` just before every delivery attempt, which resolves the name again and connects to the very
/// address it checked (so a name re-pointed at an internal address after the write — DNS rebinding — is caught).
public struct EndpointPolicy: Sendable {
    /// A kind of address notifications are not sent to.
    public enum Range: String, Sendable, Hashable, CaseIterable {
        case loopback
        case privateNetwork = "private"
        case linkLocal = "link-local"
        case unspecified
        case sharedAddressSpace = "carrier-grade NAT"
        case multicast
        case broadcast
        case reserved

        /// What the range is, for error messages.
        public var explanation: String {
            switch self {
            case .loopback: "a loopback address (127.0.0.0/8, ::1)"
            case .privateNetwork: "a private network address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7)"
            case .linkLocal: "a link-local address (169.254.0.0/16, fe80::/10), where cloud metadata services live"
            case .unspecified: "the unspecified address (0.0.0.0/8, ::)"
            case .sharedAddressSpace: "a carrier-grade NAT address (100.64.0.0/10)"
            case .multicast: "a multicast address (224.0.0.0/4, ff00::/8)"
            case .broadcast: "the broadcast address (255.255.255.255)"
            case .reserved: "a reserved address, not on the public internet"
            }
        }
    }

    /// One entry of the operator's allow-list.
    public enum AllowRule: Sendable, Hashable, CustomStringConvertible {
        /// An endpoint host name (compared case-insensitively, without a trailing dot), on any port or one port.
        case host(String, port: Int?)
        /// Addresses in `network/prefix`, on any port or one port (a bare address is a /32 or /128).
        case network(IPAddress, prefix: Int, port: Int?)

        /// Parses `host`, `host:port`, `10.0.0.0/8`, `127.0.0.1`, `127.0.0.1:8080`, `fd00::/8`, `[::1]:8080`.
        public init?(_ text: String) {
            let entry = text.trimmingCharacters(in: .whitespaces)
            guard !entry.isEmpty else { return nil }
            if let slash = entry.firstIndex(of: "/") {
                guard let address = IPAddress(literal: String(entry[..<slash])), let prefix = Int(entry[entry.index(after: slash)...]),
                      (0...address.bitWidth).contains(prefix) else { return nil }
                self = .network(address, prefix: prefix, port: nil)
                return
            }
            var host = entry, port: Int?
            if entry.hasPrefix("[") {
                guard let close = entry.firstIndex(of: "]") else { return nil }
                host = String(entry[entry.index(after: entry.startIndex)..<close])
                let rest = entry[entry.index(after: close)...]
                if !rest.isEmpty {
                    guard rest.hasPrefix(":"), let p = Int(rest.dropFirst()) else { return nil }
                    port = p
                }
            } else if entry.filter({ $0 == ":" }).count == 1, let colon = entry.firstIndex(of: ":") {
                guard let p = Int(entry[entry.index(after: colon)...]) else { return nil }
                host = String(entry[..<colon])
                port = p
            }
            if let port, !(1...65535).contains(port) { return nil }
            if let address = IPAddress(literal: host) {
                self = .network(address, prefix: address.bitWidth, port: port)
                return
            }
            guard !host.isEmpty, host.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-._".unicodeScalars.contains($0)) }) else {
                return nil
            }
            self = .host(EndpointPolicy.normalized(host), port: port)
        }

        /// Whether the rule lets notifications go to the host `name` (normalised) on `port`.
        func allows(name: String, port: Int) -> Bool {
            guard case .host(let allowed, let p) = self else { return false }
            return allowed == name && (p == nil || p == port)
        }

        /// Whether the rule lets notifications go to `address` on `port`.
        func allows(address: IPAddress, port: Int) -> Bool {
            guard case .network(let network, let prefix, let p) = self else { return false }
            return address.isIn(network, prefix: prefix) && (p == nil || p == port)
        }

        public var description: String {
            switch self {
            case .host(let name, let port): port.map { "\(name):\($0)" } ?? name
            case .network(let address, let prefix, let port):
                "\(address)/\(prefix)" + (port.map { " port \($0)" } ?? "")
            }
        }
    }

    /// The verdict on one endpoint.
    public enum Verdict: Sendable, Hashable {
        /// Send. `address`, when given, is the checked address the connection must go to (the host is a name, or
        /// an IP address in a spelling the HTTP client would resolve); nil: connect to the URL's host as written
        /// (an IP literal, or a name the operator allowed).
        case allowed(address: IPAddress?)
        /// Do not send; why (which host, which address, which range).
        case refused(String)
        /// The host name does not resolve now; why.
        case unresolved(String)
    }

    /// The operator's exceptions.
    public var allowList: [AllowRule]
    /// How names are resolved.
    public var resolver: HostResolver

    /// A policy with the operator's exceptions (none by default).
    public init(allowList: [AllowRule] = [], resolver: HostResolver = .system) {
        self.allowList = allowList
        self.resolver = resolver
    }

    /// Parses the comma-separated allow-list of `--subscription-allow-hosts`; nil when an entry is not a host,
    /// `host:port` or CIDR range.
    public static func allowList(_ text: String) -> [AllowRule]? {
        let entries = text.split(separator: ",").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let rules = entries.compactMap(AllowRule.init)
        return rules.count == entries.count ? rules : nil
    }

    // MARK: Classifying addresses

    /// The forbidden range an address lies in, nil for a public address.
    public static func forbiddenRange(of address: IPAddress) -> Range? {
        switch address {
        case .v4(let value): return range(ofIPv4: value)
        case .v6(let value): return range(ofIPv6: value)
        }
    }

    private static let ipv4Ranges: [(network: UInt32, prefix: Int, range: Range)] = [
        (0xFFFF_FFFF, 32, .broadcast),
        (0x0000_0000, 8, .unspecified),      // 0.0.0.0/8: "this network"; 0.0.0.0 reaches the host itself
        (0x0A00_0000, 8, .privateNetwork),   // 10.0.0.0/8
        (0x6440_0000, 10, .sharedAddressSpace), // 100.64.0.0/10
        (0x7F00_0000, 8, .loopback),         // 127.0.0.0/8
        (0xA9FE_0000, 16, .linkLocal),       // 169.254.0.0/16
        (0xAC10_0000, 12, .privateNetwork),  // 172.16.0.0/12
        (0xC000_0000, 24, .reserved),        // 192.0.0.0/24: IETF protocol assignments
        (0xC000_0200, 24, .reserved),        // 192.0.2.0/24: documentation
        (0xC0A8_0000, 16, .privateNetwork),  // 192.168.0.0/16
        (0xC612_0000, 15, .reserved),        // 198.18.0.0/15: benchmarking
        (0xC633_6400, 24, .reserved),        // 198.51.100.0/24: documentation
        (0xCB00_7100, 24, .reserved),        // 203.0.113.0/24: documentation
        (0xE000_0000, 4, .multicast),        // 224.0.0.0/4
        (0xF000_0000, 4, .reserved),         // 240.0.0.0/4
    ]

    private static func range(ofIPv4 value: UInt32) -> Range? {
        ipv4Ranges.first { IPAddress.v4(value).isIn(.v4($0.network), prefix: $0.prefix) }?.range
    }

    private static func range(ofIPv6 value: UInt128) -> Range? {
        let address = IPAddress.v6(value)
        func within(_ network: UInt128, _ prefix: Int) -> Bool { address.isIn(.v6(network), prefix: prefix) }
        let low32 = UInt32(truncatingIfNeeded: value)
        if value == 0 { return .unspecified }
        if value == 1 { return .loopback }
        // Forms that carry an IPv4 address: judged by that address.
        if within(0xFFFF << 32, 96) { return range(ofIPv4: low32) }                   // ::ffff:a.b.c.d (mapped)
        if within(0, 96) { return range(ofIPv4: low32) ?? .reserved }                 // ::a.b.c.d (compatible, deprecated)
        if within(0x0064_FF9B << 96, 96) { return range(ofIPv4: low32) }              // 64:ff9b::a.b.c.d (NAT64)
        if within(0x2002 << 112, 16) { return range(ofIPv4: UInt32(truncatingIfNeeded: value >> 80)) } // 6to4
        if within(0x0064_FF9B_0001 << 80, 48) { return .privateNetwork }               // 64:ff9b:1::/48 local NAT64
        if within(0xFC << 120, 7) { return .privateNetwork }                          // fc00::/7 unique local
        if within(0xFE80 << 112, 10) { return .linkLocal }                            // fe80::/10
        if within(0xFEC0 << 112, 10) { return .privateNetwork }                       // fec0::/10 site-local (deprecated)
        if within(0xFF << 120, 8) { return .multicast }                               // ff00::/8
        if within(0x0100 << 112, 64) { return .reserved }                             // 100::/64 discard
        if within(0x2001_0DB8 << 96, 32) { return .reserved }                         // 2001:db8::/32 documentation
        return nil
    }

    // MARK: Checking endpoints

    /// The host and port an endpoint URL connects to, read exactly as the HTTP client reads them (Foundation's
    /// `URL.host`, brackets removed); nil when it is not an absolute http(s) URL with a host.
    public static func target(of endpoint: String) -> (host: String, port: Int)? {
        guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              var host = url.host, !host.isEmpty else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, url.port ?? (scheme == "https" ? 443 : 80))
    }

    /// Decides on `endpoint`. Names are resolved (``resolver``); IP literals are judged without DNS.
    public func check(_ endpoint: String) async -> Verdict {
        guard let (host, port) = Self.target(of: endpoint) else { return .refused("\(endpoint) is not an absolute http or https URL with a host") }
        let name = Self.normalized(host)
        if allowList.contains(where: { $0.allows(name: name, port: port) }) { return .allowed(address: nil) }
        if let literal = IPAddress(literal: host) {
            if let refusal = refusal(literal, port: port, host: host) { return .refused(refusal) }
            // An IPv6 address or a plain dotted quad is connected to as written; other IPv4 spellings would be
            // resolved by the client, so it is given the address read here.
            if case .v6 = literal { return .allowed(address: nil) }
            return .allowed(address: literal.description == host ? nil : literal)
        }
        if name == "localhost" || name.hasSuffix(".localhost") {
            return .refused("\(host) names this machine (loopback); allow it with --subscription-allow-hosts if that is intended")
        }
        let addresses: [IPAddress]
        do {
            addresses = try await resolver.addresses(of: host)
        } catch {
            return .unresolved(error.description)
        }
        for address in addresses {
            if let refusal = refusal(address, port: port, host: host) { return .refused(refusal) }
        }
        return .allowed(address: addresses[0])
    }

    /// Why `address` (of `host`) is refused, nil when it is public or allowed by the operator.
    private func refusal(_ address: IPAddress, port: Int, host: String) -> String? {
        guard let range = Self.forbiddenRange(of: address) else { return nil }
        if allowList.contains(where: { $0.allows(address: address, port: port) }) { return nil }
        let shown = address.description == host ? host : "\(host) (\(address))"
        return "\(shown) is \(range.explanation); rest-hook notifications are not sent there unless the operator allows it (dossier serve --subscription-allow-hosts)"
    }

    /// A host name as compared with the allow-list: lowercased, without a trailing dot.
    static func normalized(_ host: String) -> String {
        var name = host.lowercased()
        while name.hasSuffix(".") { name.removeLast() }
        return name
    }
}
