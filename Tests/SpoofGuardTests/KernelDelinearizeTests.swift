import Testing
@testable import SpoofGuard

@Suite struct KernelDelinearizeTests {
    func prefix(_ text: String) -> IPPrefix { try! IPPrefix(parsing: text) }
    func name(_ text: String) -> InterfacePattern { try! InterfacePattern(parsing: text) }

    /// Rules covering every statement form; each must survive IR → kernel → IR unchanged.
    var rules: [(Rule, TableFamily)] {
        [
            (Rule([.match(Match(.inputInterfaceName, .set("ext"))), .match(Match(.address(.ipv6, .source), .set("s6"))),
                   .counter(Counter(packets: 3, bytes: 300)), .verdict(.drop)], comment: "guard.source ipv6", handle: 9), .inet),
            (Rule([.match(Match(.inputInterfaceName, .set("int"), negated: true)),
                   .match(Match(.address(.ipv4, .destination), .prefix(prefix("127.0.0.0/8")))),
                   .counter(Counter()), .verdict(.goto("logdrop"))]), .inet),
            (Rule([.match(Match(.inputInterfaceName, .interface(name("eth0")), negated: true)),
                   .match(Match(.address(.ipv4, .source), .prefix(prefix("172.16.0.0/12")), negated: true)),
                   .verdict(.accept)]), .inet),
            (Rule([.match(Match(.inputInterfaceName, .interface(name("wan*")))),
                   .match(Match(.address(.ipv6, .source), .prefix(prefix("::1")))), .reject(.portUnreachable)]), .inet),
            (Rule([.match(Match(.address(.ipv4, .source), .prefix(prefix("10.0.0.0/9")))), .counter(Counter()), .reject(.tcpReset)]), .inet),
            (Rule([.match(Match(.networkFamily, .family(.ipv4))), .verdict(.drop)]), .inet),
            (Rule([.reject(.portUnreachable)]), .inet),
            (Rule([.limit(RateLimit(rate: 10, per: .minute)), .log(Log(prefix: "spoofguard: "))]), .inet),
            (Rule([.log(Log(group: 3)), .verdict(.return)]), .inet),
            (Rule([.match(Match(.address(.ipv6, .destination), .prefix(prefix("::ffff:127.0.0.0/104")))), .verdict(.jump("x"))]), .netdev),
            (Rule([.match(Match(.address(.ipv4, .source), .set("s4"))), .counter(Counter()), .verdict(.drop)]), .bridge),
            (Rule([.match(Match(.address(.ipv4, .source), .prefix(prefix("0.0.0.0/0")))), .reject(.portUnreachable)]), .ip),
            (Rule([.match(Match(.address(.ipv6, .source), .prefix(prefix("2002:7f00::/24")))), .verdict(.continue)]), .ip6),
        ]
    }

    @Test func roundTripIsIdentity() throws {
        for (rule, family) in rules {
            let expressions = try Linearize.expressions(for: rule, family: family)
            let back = try Delinearize.rule(expressions, family: family, comment: rule.comment, handle: rule.handle)
            #expect(back == rule, "\(family): \(expressions)")
        }
    }

    @Test func acceptsBitwiseFormOfAlignedPrefix() throws {
        // Another tool may load 4 bytes and mask with /8 where nft would load 1 byte.
        let expressions: [KernelExpression] = [
            .meta(.nfproto, destination: 1), .cmp(.equal, source: 1, data: [2]),
            .payload(.network, offset: 12, length: 4, destination: 1),
            .bitwise(source: 1, destination: 1, mask: [0xff, 0, 0, 0], xor: [0, 0, 0, 0]),
            .cmp(.equal, source: 1, data: [127, 0, 0, 0]), .verdict(.drop),
        ]
        #expect(try Delinearize.rule(expressions, family: .inet) == Rule([
            .match(Match(.address(.ipv4, .source), .prefix(prefix("127.0.0.0/8")))), .verdict(.drop),
        ]))
    }

    @Test func keepsDependencyThatNoAddressMatchImplies() throws {
        let expressions: [KernelExpression] = [.meta(.nfproto, destination: 1), .cmp(.equal, source: 1, data: [10]), .verdict(.accept)]
        #expect(try Delinearize.rule(expressions, family: .inet).statements == [.match(Match(.networkFamily, .family(.ipv6))), .verdict(.accept)])
    }

    @Test func refusesWhatItCannotRaise() {
        let cases: [[KernelExpression]] = [
            [.payload(.transport, offset: 0, length: 2, destination: 1), .cmp(.equal, source: 1, data: [0, 22])],
            [.meta(.nfproto, destination: 1), .cmp(.equal, source: 1, data: [2]),
             .payload(.network, offset: 12, length: 4, destination: 1),
             .bitwise(source: 1, destination: 1, mask: [0xff, 0, 0xff, 0], xor: [0, 0, 0, 0]),
             .cmp(.equal, source: 1, data: [1, 0, 1, 0])],
            [.cmp(.equal, source: 1, data: [1])],
            [.meta(.l4proto, destination: 1), .cmp(.equal, source: 1, data: [6]), .verdict(.drop)],
            [.limit(rate: 1, unit: 7, burst: 5)],
            [.meta(.inputInterfaceName, destination: 1), .cmp(.equal, source: 1, data: Array("eth0".utf8) + [0, 1])],
            // Found by Fuzz/Targets/delinearize: comparing zero bytes of iifname was read as the
            // bare wildcard "*", a rule Linearize (rightly) cannot write back.
            [.meta(.inputInterfaceName, destination: 1), .cmp(.equal, source: 1, data: [])],
            // Found by Fuzz/Targets/delinearize: a load overwritten before use let the first of
            // two `meta nfproto` dependencies survive as a match that does not round-trip.
            [.meta(.nfproto, destination: 1), .cmp(.equal, source: 1, data: [2]),
             .payload(.network, offset: 16, length: 1, destination: 1),
             .meta(.nfproto, destination: 1), .cmp(.equal, source: 1, data: [2]),
             .payload(.network, offset: 16, length: 1, destination: 1), .cmp(.equal, source: 1, data: [127]), .verdict(.accept)],
            // Fourth finding: one load compared twice repeated the family match.
            [.meta(.nfproto, destination: 1), .cmp(.equal, source: 1, data: [2]), .cmp(.equal, source: 1, data: [2]),
             .payload(.network, offset: 16, length: 4, destination: 1), .cmp(.equal, source: 1, data: [127, 0, 0, 1]), .verdict(.accept)],
            // Fifth finding: separate, repeated `meta nfproto` matches before an address match.
            [.meta(.nfproto, destination: 1), .cmp(.equal, source: 1, data: [2]),
             .meta(.nfproto, destination: 1), .cmp(.equal, source: 1, data: [2]),
             .payload(.network, offset: 12, length: 1, destination: 1), .cmp(.equal, source: 1, data: [127]), .verdict(.accept)],
            // Sixth finding: the exact name "*" (NUL-padded, so no wildcard) was read as the
            // wildcard matching every interface; so was any exact name ending in "*".
            [.meta(.inputInterfaceName, destination: 1), .cmp(.equal, source: 1, data: Array("*".utf8) + Array(repeating: 0, count: 15))],
            [.meta(.inputInterfaceName, destination: 1), .cmp(.equal, source: 1, data: Array("wan*".utf8) + Array(repeating: 0, count: 12))],
            [.meta(.inputInterfaceName, destination: 1), .cmp(.equal, source: 1, data: Array("w*n".utf8))],
            [.meta(.nfproto, destination: 1), .meta(.protocol, destination: 1), .log(prefix: "a", group: nil),
             .meta(.protocol, destination: 0), .log(prefix: nil, group: 1), .meta(.nfproto, destination: 1),
             .meta(.inputInterfaceName, destination: 1), .cmp(.equal, source: 1, data: [])],
        ]
        for expressions in cases {
            #expect(throws: DelinearizeError.self) { try Delinearize.rule(expressions, family: .inet) }
        }
    }
}

@Suite struct KernelDependencyFamilyTests {
    /// `meta protocol` is the dependency only where Linearize emits it (netdev, bridge); in an
    /// inet table it is a match spoofguard does not model, and raising it would not round-trip.
    /// Found by Fuzz/Targets/delinearize: an arp table's network header is ARP, so a load at
    /// network + 16 there is no IPv4 destination (and Linearize could not write it back).
    @Test func noAddressMatchInAnArpTable() throws {
        let expressions: [KernelExpression] = [.payload(.network, offset: 16, length: 4, destination: 1),
                                               .cmp(.equal, source: 1, data: [127, 0, 0, 0]), .verdict(.accept)]
        #expect(throws: DelinearizeError.self) { try Delinearize.rule(expressions, family: .arp) }
        #expect(try Delinearize.rule(expressions, family: .ip).statements.count == 2)
    }

    @Test func metaProtocolOnlyInNetdevAndBridge() throws {
        let expressions: [KernelExpression] = [.meta(.protocol, destination: 1), .cmp(.equal, source: 1, data: [0x08, 0x00]), .verdict(.drop)]
        #expect(throws: DelinearizeError.self) { try Delinearize.rule(expressions, family: .inet) }
        #expect(try Delinearize.rule(expressions, family: .bridge).statements == [.match(Match(.networkFamily, .family(.ipv4))), .verdict(.drop)])
    }
}
