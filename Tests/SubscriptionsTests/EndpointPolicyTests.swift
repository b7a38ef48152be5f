import Foundation
import Subscriptions
import Synchronization
import Testing

/// The SSRF guard of rest-hook endpoints: the address classifier, the host spellings it reads, the operator's
/// allow-list and the verdict on whole endpoints (names resolved through a table, never the network).
@Suite struct EndpointPolicyTests {
    /// Every forbidden range, its edges, the IPv6 forms carrying an IPv4 address, and public neighbours.
    static let classified: [(String, EndpointPolicy.Range?)] = [
        ("127.0.0.1", .loopback), ("127.255.255.254", .loopback), ("::1", .loopback),
        ("10.0.0.1", .privateNetwork), ("10.255.255.255", .privateNetwork),
        ("172.16.0.1", .privateNetwork), ("172.31.255.255", .privateNetwork), ("192.168.1.1", .privateNetwork),
        ("fc00::1", .privateNetwork), ("fd12:3456::1", .privateNetwork), ("fec0::1", .privateNetwork),
        ("169.254.169.254", .linkLocal), ("169.254.0.1", .linkLocal), ("fe80::1", .linkLocal), ("febf::1", .linkLocal),
        ("0.0.0.0", .unspecified), ("0.1.2.3", .unspecified), ("::", .unspecified),
        ("100.64.0.1", .sharedAddressSpace), ("100.127.255.255", .sharedAddressSpace),
        ("224.0.0.1", .multicast), ("239.255.255.250", .multicast), ("ff02::1", .multicast),
        ("255.255.255.255", .broadcast),
        ("240.0.0.1", .reserved), ("192.0.2.10", .reserved), ("198.18.0.1", .reserved), ("2001:db8::1", .reserved),
        // IPv4-mapped, IPv4-compatible, NAT64 and 6to4 forms are judged by the IPv4 address they carry.
        ("::ffff:127.0.0.1", .loopback), ("::ffff:7f00:1", .loopback), ("::ffff:169.254.169.254", .linkLocal),
        ("::ffff:10.0.0.1", .privateNetwork), ("::127.0.0.1", .loopback), ("::8.8.8.8", .reserved),
        ("64:ff9b::a9fe:a9fe", .linkLocal), ("2002:7f00:1::1", .loopback), ("2002:0a00:0001::", .privateNetwork),
        // Public, including the neighbours of the ranges.
        ("8.8.8.8", nil), ("93.184.216.34", nil), ("172.15.255.255", nil), ("172.32.0.1", nil), ("100.63.255.255", nil),
        ("100.128.0.1", nil), ("169.253.255.255", nil), ("11.0.0.1", nil), ("223.255.255.255", nil),
        ("::ffff:8.8.8.8", nil), ("64:ff9b::808:808", nil), ("2002:0808:0808::1", nil), ("2606:4700:4700::1111", nil),
        ("fbff:ffff::1", nil), ("fe00::1", nil),
    ]

    @Test(arguments: classified)
    func eachAddressIsClassified(_ literal: String, _ expected: EndpointPolicy.Range?) throws {
        let address = try #require(IPAddress(literal: literal), "\(literal) should parse")
        #expect(EndpointPolicy.forbiddenRange(of: address) == expected, "\(literal)")
    }

    /// The spellings the system resolver (inet_aton) accepts for IPv4, and IPv6 in brackets or with a zone.
    static let spellings: [(String, String?)] = [
        ("127.0.0.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0x7f000001", "127.0.0.1"), ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"), ("127.1", "127.0.0.1"), ("127.0.1", "127.0.0.1"), ("0", "0.0.0.0"),
        ("0xA9.0xFE.0xA9.0xFE", "169.254.169.254"), ("025177524776", "169.254.169.254"), ("127.0.0.1.", "127.0.0.1"),
        ("[::1]", "::1"), ("fe80::1%eth0", "fe80::1"), ("0:0:0:0:0:ffff:7f00:1", "::ffff:127.0.0.1"),
        ("example.org", nil), ("localhost", nil), ("256.0.0.1", nil), ("1.2.3.4.5", nil), ("08.0.0.1", nil),
        ("127.0.0.256", nil), ("0x", "0.0.0.0"), ("1e3", nil), ("", nil), ("[::g]", nil),
    ]

    @Test(arguments: spellings)
    func hostSpellingsAreReadAsTheResolverReadsThem(_ host: String, _ expected: String?) {
        #expect(IPAddress(literal: host)?.description == expected, "\(host)")
    }

    @Test func theAllowListReadsHostsPortsAndRanges() throws {
        let rules = try #require(EndpointPolicy.allowList(" 127.0.0.1, receiver.internal:8443,10.0.0.0/8 ,[::1]:9000, fd00::/8, Hooks.Example."))
        #expect(rules == [
            .network(.v4(0x7F00_0001), prefix: 32, port: nil), .host("receiver.internal", port: 8443),
            .network(.v4(0x0A00_0000), prefix: 8, port: nil), .network(.v6(1), prefix: 128, port: 9000),
            .network(IPAddress(literal: "fd00::")!, prefix: 8, port: nil), .host("hooks.example", port: nil),
        ])
        #expect(EndpointPolicy.allowList("")?.isEmpty == true)
        for bad in ["10.0.0.0/33", "host:0", "host:99999", "a b", "http://x", "[::1", "::1/129", "host:port"] {
            #expect(EndpointPolicy.allowList(bad) == nil, "\(bad)")
        }
    }

    /// A resolver that records the names it was asked, answering from a table.
    final class Recorder: Sendable {
        private let names = Mutex<[String]>([])
        var asked: [String] { names.withLock { $0 } }

        func resolver(_ table: [String: [IPAddress]]) -> HostResolver {
            let inner = HostResolver.table(table)
            return HostResolver { host throws(HostResolver.Failure) in
                self.names.withLock { $0.append(host) }
                return try await inner.addresses(of: host)
            }
        }
    }

    static let table: [String: [IPAddress]] = [
        "public.example": [IPAddress(literal: "93.184.216.34")!, IPAddress(literal: "2606:2800:220:1::1")!],
        "mixed.example": [IPAddress(literal: "93.184.216.34")!, IPAddress(literal: "10.0.0.7")!],
        "metadata.example": [IPAddress(literal: "169.254.169.254")!],
        "mapped.example": [IPAddress(literal: "::ffff:127.0.0.1")!],
    ]

    @Test func literalHostsAreJudgedWithoutDNS() async {
        let recorder = Recorder()
        let policy = EndpointPolicy(resolver: recorder.resolver(Self.table))
        for endpoint in ["http://127.0.0.1:8080/hook", "http://169.254.169.254/latest/meta-data/", "http://[::1]/x",
                         "http://[::ffff:127.0.0.1]/x", "http://2130706433/x", "http://0x7f.1/x", "https://10.1.2.3/x",
                         "http://0.0.0.0:9/x", "http://localhost:8080/x", "http://LOCALHOST./x", "http://api.localhost/x"] {
            guard case .refused(let why) = await policy.check(endpoint) else {
                Issue.record("\(endpoint) should be refused")
                continue
            }
            #expect(why.contains("--subscription-allow-hosts") || why.contains("loopback"), "\(why)")
        }
        #expect(await policy.check("http://93.184.216.34/hook") == .allowed(address: nil))
        #expect(await policy.check("http://[2606:2800:220:1::1]:8443/hook") == .allowed(address: nil))
        #expect(recorder.asked.isEmpty)
    }

    @Test func aNameIsRefusedWhenAnyOfItsAddressesIsForbidden() async {
        let policy = EndpointPolicy(resolver: HostResolver.table(Self.table))
        #expect(await policy.check("https://public.example/hook") == .allowed(address: IPAddress(literal: "93.184.216.34")))
        for name in ["mixed.example", "metadata.example", "mapped.example"] {
            guard case .refused(let why) = await policy.check("https://\(name)/hook") else {
                Issue.record("\(name) should be refused")
                continue
            }
            #expect(why.contains(name))
        }
        guard case .refused(let why) = await policy.check("https://mixed.example/hook") else { return }
        #expect(why.contains("10.0.0.7") && why.contains("private"))
        #expect(await policy.check("https://nowhere.example/hook") == .unresolved("nowhere.example does not resolve"))
    }

    @Test func aSpellingTheClientWouldResolveIsPinnedToTheAddressRead() async {
        let policy = EndpointPolicy(allowList: EndpointPolicy.allowList("127.0.0.0/8")!, resolver: HostResolver.table([:]))
        #expect(await policy.check("http://2130706433:8080/x") == .allowed(address: .v4(0x7F00_0001)))
        #expect(await policy.check("http://127.0.0.1:8080/x") == .allowed(address: nil))
    }

    @Test func theOperatorAllowsHostsPortsAndRanges() async {
        let policy = EndpointPolicy(allowList: EndpointPolicy.allowList("127.0.0.1,receiver.internal:8443,10.0.0.0/8,metadata.example:80")!,
                                    resolver: HostResolver.table(Self.table.merging(["receiver.internal": [.v4(0x0A00_0005)]]) { a, _ in a }))
        #expect(await policy.check("http://127.0.0.1:5000/hook") == .allowed(address: nil))
        #expect(await policy.check("https://receiver.internal:8443/hook") == .allowed(address: nil))
        // Another port of an allowed name is judged by its addresses: 10.0.0.5 is allowed by the range.
        #expect(await policy.check("https://receiver.internal:9000/hook") == .allowed(address: .v4(0x0A00_0005)))
        #expect(await policy.check("https://mixed.example/hook") == .allowed(address: IPAddress(literal: "93.184.216.34")))
        #expect(await policy.check("http://metadata.example/hook") == .allowed(address: nil))
        guard case .refused = await policy.check("http://metadata.example:8080/hook") else {
            Issue.record("an allowed name:port allows no other port")
            return
        }
        guard case .refused = await policy.check("http://127.0.0.2/hook") else {
            Issue.record("127.0.0.1 allows only itself")
            return
        }
    }

    @Test func theSystemResolverFindsLocalhost() async throws {
        let addresses = try await HostResolver.system.addresses(of: "localhost")
        #expect(addresses.contains { EndpointPolicy.forbiddenRange(of: $0) == .loopback })
    }
}
