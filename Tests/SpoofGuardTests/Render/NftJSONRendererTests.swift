import Testing
@testable import SpoofGuard

@Suite struct NftJSONRendererTests {
    typealias F = RenderFixtures

    @Test func writerEscapesAndKeepsKeyOrder() {
        let value: OrderedJSON = ["z": "a\"b\\c\n\t\u{01}é", "a": [1, .null, .bool(true), .unsigned(UInt64.max)], "m": .object([])]
        #expect(value.serialized == #"{"z": "a\"b\\c\n\t\u0001é", "a": [1, null, true, 18446744073709551615], "m": {}}"#)
    }

    func expressions(_ statements: [Statement], family: TableFamily = .inet) -> String {
        NftJSONRenderer.expressions(Rule(statements), in: Table(family: family, name: "t")).serialized
    }

    @Test func matchExpressions() {
        #expect(expressions([F.match(F.iifname, .set("internal"), negated: true)])
                == #"[{"match": {"op": "!=", "left": {"meta": {"key": "iifname"}}, "right": "@internal"}}]"#)
        #expect(expressions([F.match(F.iifname, .interface(F.ifname("wan*")))])
                == #"[{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "wan*"}}]"#)
        #expect(expressions([F.match(F.ip6Saddr, .prefix(.v6(F.v6("::ffff:127.0.0.0/104"))))])
                == #"[{"match": {"op": "==", "left": {"payload": {"protocol": "ip6", "field": "saddr"}}, "right": {"prefix": {"addr": "::ffff:127.0.0.0", "len": 104}}}}]"#)
        #expect(expressions([F.match(F.ipDaddr, .prefix(.v4(F.v4("127.0.0.1/32"))))])
                == #"[{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "127.0.0.1"}}]"#)
        #expect(expressions([F.match(.networkFamily, .family(.ipv6))])
                == #"[{"match": {"op": "==", "left": {"meta": {"key": "nfproto"}}, "right": "ipv6"}}]"#)
    }

    @Test func statementExpressions() {
        #expect(expressions([.counter(Counter(packets: 1, bytes: 2)), .limit(RateLimit(rate: 10, per: .minute)),
                             .log(Log(prefix: "sg: ", group: 2)), .log(Log()), .verdict(.goto("log_drop")),
                             .verdict(.jump("x")), .verdict(.accept), .verdict(.drop), .verdict(.continue), .verdict(.return)])
                == #"[{"counter": {"packets": 1, "bytes": 2}}, {"limit": {"rate": 10, "burst": 5, "per": "minute"}}, {"log": {"prefix": "sg: ", "group": 2}}, {"log": null}, {"goto": {"target": "log_drop"}}, {"jump": {"target": "x"}}, {"accept": null}, {"drop": null}, {"continue": null}, {"return": null}]"#)
    }

    /// The reject type is the one nft picks for the text form, so both give one kernel rule.
    @Test func rejectTypeFollowsContext() {
        let v4 = F.match(F.ipSaddr, .set("s"))
        #expect(expressions([.reject(.portUnreachable)]).hasSuffix(#"{"reject": {"type": "icmpx", "expr": "port-unreachable"}}]"#))
        #expect(expressions([v4, .reject(.portUnreachable)]).hasSuffix(#"{"reject": {"type": "icmp", "expr": "port-unreachable"}}]"#))
        #expect(expressions([F.match(.networkFamily, .family(.ipv6)), F.counter, .reject(.portUnreachable)])
                .hasSuffix(#"{"reject": {"type": "icmpv6", "expr": "port-unreachable"}}]"#))
        #expect(expressions([.reject(.portUnreachable)], family: .ip6) == #"[{"reject": {"type": "icmpv6", "expr": "port-unreachable"}}]"#)
        #expect(expressions([.reject(.tcpReset)]) == #"[{"reject": {"type": "tcp reset"}}]"#)
    }

    @Test func documentReplacesTablesThenDefinesThem() {
        let table = Table(family: .netdev, name: "sg", sets: [
            NamedSet(name: "src", flags: .interval, elements: .ipv4(IPv4Set(ranges: [
                IPv4Address(10, 0, 0, 1).bits...IPv4Address(10, 0, 0, 5).bits, F.v4("127.0.0.0/8").range])), comment: "c"),
        ], chains: [
            Chain(name: "in_d0", base: BaseChain(hook: .ingress, priority: .raw, devices: ["d0"]), rules: [
                Rule([F.match(F.ipSaddr, .set("src")), .verdict(.drop)], comment: "guard"),
            ]),
            Chain(name: "many", base: BaseChain(hook: .ingress, priority: .filter, policy: .drop, devices: ["d1", "d0"])),
        ], comment: "tc")
        #expect(NftJSONRenderer.render(Ruleset(tables: [table])) == """
            {"nftables": [
            {"metainfo": {"json_schema_version": 1}},
            {"add": {"table": {"family": "netdev", "name": "sg"}}},
            {"delete": {"table": {"family": "netdev", "name": "sg"}}},
            {"add": {"table": {"family": "netdev", "name": "sg", "comment": "tc"}}},
            {"add": {"set": {"family": "netdev", "table": "sg", "name": "src", "type": "ipv4_addr", "flags": ["interval"], "comment": "c", "elem": [{"range": ["10.0.0.1", "10.0.0.5"]}, {"prefix": {"addr": "127.0.0.0", "len": 8}}]}}},
            {"add": {"chain": {"family": "netdev", "table": "sg", "name": "in_d0", "type": "filter", "hook": "ingress", "prio": -300, "dev": "d0", "policy": "accept"}}},
            {"add": {"chain": {"family": "netdev", "table": "sg", "name": "many", "type": "filter", "hook": "ingress", "prio": 0, "dev": "d0", "policy": "drop"}}},
            {"add": {"chain": {"family": "netdev", "table": "sg", "name": "many", "type": "filter", "hook": "ingress", "prio": 0, "dev": "d1", "policy": "drop"}}},
            {"add": {"rule": {"family": "netdev", "table": "sg", "chain": "in_d0", "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "@src"}}, {"drop": null}], "comment": "guard"}}}
            ]}

            """)
    }

    @Test func interfaceSetElementsAndFlags() {
        let set = NamedSet(name: "ext", flags: [.constant, .interval], elements: F.interfaces("wan*", "eth0"))
        #expect(NftJSONRenderer.setObject(set, in: Table(family: .inet, name: "t")).serialized
                == #"{"family": "inet", "table": "t", "name": "ext", "type": "ifname", "flags": ["constant", "interval"], "elem": ["eth0", "wan*"]}"#)
    }
}

@Suite struct RejectEncodingTests {
    typealias F = RenderFixtures

    /// Type and code as `nft --debug=netlink list ruleset` shows them after `nft -f`.
    @Test func kernelTypeAndCodePerFamilyAndContext() {
        func encoding(_ statements: [Statement], _ family: TableFamily) -> RejectEncoding? {
            Rule(statements).rejectEncodings(in: family)[statements.count - 1]
        }
        let v4 = F.match(F.ipSaddr, .set("s")), v6 = F.match(F.ip6Saddr, .set("s"))
        let cases: [([Statement], TableFamily, RejectEncoding.Kind, UInt32, UInt8)] = [
            ([.reject(.portUnreachable)], .ip, .icmp, 0, 3),
            ([.reject(.portUnreachable)], .ip6, .icmpv6, 0, 4),
            ([.reject(.portUnreachable)], .inet, .icmpx, 2, 1),
            ([v4, .reject(.portUnreachable)], .inet, .icmp, 0, 3),
            ([v6, F.counter, .reject(.portUnreachable)], .netdev, .icmpv6, 0, 4),
            ([F.match(.networkFamily, .family(.ipv4), negated: true), .reject(.portUnreachable)], .inet, .icmpx, 2, 1),
            ([.reject(.tcpReset)], .ip, .tcpReset, 1, 0),
            ([v6, .reject(.tcpReset)], .inet, .tcpReset, 1, 0),
        ]
        for (statements, family, kind, type, code) in cases {
            let result = encoding(statements, family)
            #expect(result?.kind == kind, "\(statements) in \(family)")
            #expect(result?.kernelType == type)
            #expect(result?.kernelCode == code)
            #expect(result?.needsTCPDependency == (kind == .tcpReset))
        }
        #expect(Rule([.verdict(.drop)]).rejectEncodings(in: .inet).isEmpty)
    }
}
