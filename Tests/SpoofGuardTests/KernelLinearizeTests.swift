import Testing
@testable import SpoofGuard

/// Expected expressions are transcribed from `nft --debug=netlink` (nftables 1.0.6) for the
/// same rule text.
@Suite struct KernelLinearizeTests {
    func prefix(_ text: String) -> IPPrefix { try! IPPrefix(parsing: text) }
    func name(_ text: String) -> InterfacePattern { try! InterfacePattern(parsing: text) }

    let guardIPv4 = Rule([
        .match(Match(.inputInterfaceName, .set("external_interfaces"))),
        .match(Match(.address(.ipv4, .source), .set("source_ipv4"))),
        .counter(Counter()), .verdict(.drop),
    ], comment: "guard.source ipv4")

    @Test func setLookupRuleInInet() throws {
        let expressions = try Linearize.expressions(for: guardIPv4, family: .inet, setIDs: ["source_ipv4": 7])
        #expect(expressions == [
            .meta(.inputInterfaceName, destination: 1),
            .lookup(set: "external_interfaces", setID: nil, source: 1, inverted: false),
            .meta(.nfproto, destination: 1),
            .cmp(.equal, source: 1, data: [2]),
            .payload(.network, offset: 12, length: 4, destination: 1),
            .lookup(set: "source_ipv4", setID: 7, source: 1, inverted: false),
            .counter(packets: 0, bytes: 0),
            .verdict(.drop),
        ])
    }

    @Test func negatedInterfaceSetAndShortPrefix() throws {
        // iifname != @internal_interfaces ip daddr 127.0.0.0/8 counter goto logdrop
        let rule = Rule([
            .match(Match(.inputInterfaceName, .set("internal_interfaces"), negated: true)),
            .match(Match(.address(.ipv4, .destination), .prefix(prefix("127.0.0.0/8")))),
            .counter(Counter()), .verdict(.goto("logdrop")),
        ])
        #expect(try Linearize.expressions(for: rule, family: .inet) == [
            .meta(.inputInterfaceName, destination: 1),
            .lookup(set: "internal_interfaces", setID: nil, source: 1, inverted: true),
            .meta(.nfproto, destination: 1), .cmp(.equal, source: 1, data: [2]),
            .payload(.network, offset: 16, length: 1, destination: 1),
            .cmp(.equal, source: 1, data: [0x7f]),
            .counter(packets: 0, bytes: 0), .verdict(.goto("logdrop")),
        ])
    }

    @Test func unalignedPrefixUsesBitwise() throws {
        // iifname "eth0" ip saddr 172.16.0.0/12 drop
        let rule = Rule([
            .match(Match(.inputInterfaceName, .interface(name("eth0")))),
            .match(Match(.address(.ipv4, .source), .prefix(prefix("172.16.0.0/12")))),
            .verdict(.drop),
        ])
        #expect(try Linearize.expressions(for: rule, family: .inet) == [
            .meta(.inputInterfaceName, destination: 1),
            .cmp(.equal, source: 1, data: Array("eth0".utf8) + [UInt8](repeating: 0, count: 12)),
            .meta(.nfproto, destination: 1), .cmp(.equal, source: 1, data: [2]),
            .payload(.network, offset: 12, length: 4, destination: 1),
            .bitwise(source: 1, destination: 1, mask: [0xff, 0xf0, 0, 0], xor: [0, 0, 0, 0]),
            .cmp(.equal, source: 1, data: [172, 16, 0, 0]),
            .verdict(.drop),
        ])
    }

    @Test func wildcardIPv6HostAndReject() throws {
        // iifname "wan*" ip6 saddr ::1 reject
        let rule = Rule([
            .match(Match(.inputInterfaceName, .interface(name("wan*")))),
            .match(Match(.address(.ipv6, .source), .prefix(prefix("::1/128")))),
            .reject(.portUnreachable),
        ])
        #expect(try Linearize.expressions(for: rule, family: .inet) == [
            .meta(.inputInterfaceName, destination: 1),
            .cmp(.equal, source: 1, data: Array("wan".utf8)),
            .meta(.nfproto, destination: 1), .cmp(.equal, source: 1, data: [10]),
            .payload(.network, offset: 8, length: 16, destination: 1),
            .cmp(.equal, source: 1, data: IPv6Address.loopback.bytes),
            .reject(type: 0, code: 4),
        ])
    }

    @Test func tcpResetPutsL4ProtoFirst() throws {
        // ip saddr 10.0.0.0/9 counter reject with tcp reset
        let rule = Rule([
            .match(Match(.address(.ipv4, .source), .prefix(prefix("10.0.0.0/9")))),
            .counter(Counter()), .reject(.tcpReset),
        ])
        #expect(try Linearize.expressions(for: rule, family: .inet) == [
            .meta(.l4proto, destination: 1), .cmp(.equal, source: 1, data: [6]),
            .meta(.nfproto, destination: 1), .cmp(.equal, source: 1, data: [2]),
            .payload(.network, offset: 12, length: 4, destination: 1),
            .bitwise(source: 1, destination: 1, mask: [0xff, 0x80, 0, 0], xor: [0, 0, 0, 0]),
            .cmp(.equal, source: 1, data: [10, 0, 0, 0]),
            .counter(packets: 0, bytes: 0), .reject(type: 1, code: 0),
        ])
    }

    @Test func netdevAndBridgeUseMetaProtocol() throws {
        let rule = Rule([.match(Match(.address(.ipv6, .destination), .prefix(prefix("::1/128")))), .counter(Counter()), .verdict(.drop)])
        for family in [TableFamily.netdev, .bridge] {
            #expect(try Linearize.expressions(for: rule, family: family) == [
                .meta(.protocol, destination: 1), .cmp(.equal, source: 1, data: [0x86, 0xdd]),
                .payload(.network, offset: 24, length: 16, destination: 1),
                .cmp(.equal, source: 1, data: IPv6Address.loopback.bytes),
                .counter(packets: 0, bytes: 0), .verdict(.drop),
            ])
        }
    }

    @Test func dependencyIsEmittedOncePerFamily() throws {
        // ip saddr 1.2.3.4 ip daddr 1.2.3.0/24 drop
        let rule = Rule([
            .match(Match(.address(.ipv4, .source), .prefix(prefix("1.2.3.4/32")))),
            .match(Match(.address(.ipv4, .destination), .prefix(prefix("1.2.3.0/24")))),
            .verdict(.drop),
        ])
        #expect(try Linearize.expressions(for: rule, family: .inet) == [
            .meta(.nfproto, destination: 1), .cmp(.equal, source: 1, data: [2]),
            .payload(.network, offset: 12, length: 4, destination: 1), .cmp(.equal, source: 1, data: [1, 2, 3, 4]),
            .payload(.network, offset: 16, length: 3, destination: 1), .cmp(.equal, source: 1, data: [1, 2, 3]),
            .verdict(.drop),
        ])
    }

    @Test func ipFamilyNeedsNoDependencyAndRejectsIPv6() throws {
        let rule = Rule([.match(Match(.address(.ipv4, .source), .prefix(prefix("0.0.0.0/0")))), .reject(.portUnreachable)])
        #expect(try Linearize.expressions(for: rule, family: .ip) == [
            .payload(.network, offset: 12, length: 4, destination: 1),
            .bitwise(source: 1, destination: 1, mask: [0, 0, 0, 0], xor: [0, 0, 0, 0]),
            .cmp(.equal, source: 1, data: [0, 0, 0, 0]),
            .reject(type: 0, code: 3),
        ])
        let v6 = Rule([.match(Match(.address(.ipv6, .source), .prefix(prefix("::1")))), .verdict(.drop)])
        #expect(throws: LinearizeError.self) { try Linearize.expressions(for: v6, family: .ip) }
    }

    @Test func plainRejectInInetIsIcmpx() throws {
        #expect(try Linearize.expressions(for: Rule([.reject(.portUnreachable)]), family: .inet) == [.reject(type: 2, code: 1)])
    }

    @Test func limitAndLog() throws {
        let rule = Rule([.limit(RateLimit(rate: 10, per: .minute)), .log(Log(prefix: "spoofguard: "))])
        #expect(try Linearize.expressions(for: rule, family: .inet) == [
            .limit(rate: 10, unit: 60, burst: 5), .log(prefix: "spoofguard: ", group: nil),
        ])
    }
}
