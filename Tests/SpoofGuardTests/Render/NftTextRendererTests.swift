import Testing
@testable import SpoofGuard

/// The nft 1.0.6 spellings below were taken from `nft list ruleset` after loading the
/// corresponding input; NftOracleTests checks whole rulesets against the real nft.
@Suite struct NftTextRendererTests {
    typealias F = RenderFixtures

    func listed(_ statements: [Statement], family: TableFamily = .inet, comment: String? = nil) -> String {
        NftTextRenderer.render(Rule(statements, comment: comment), in: Table(family: family, name: "t"))
    }

    func loadForm(_ statements: [Statement], family: TableFamily = .inet) -> String {
        NftRuleText.render(Rule(statements), family: family, form: .load)
    }

    @Test func matchesAndVerdicts() {
        #expect(listed([F.match(F.iifname, .set("internal"), negated: true), F.match(F.ipSaddr, .set("source_ipv4")),
                        F.counter, .verdict(.drop)], comment: "guard")
                == #"iifname != @internal ip saddr @source_ipv4 counter packets 0 bytes 0 drop comment "guard""#)
        #expect(listed([F.match(F.iifname, .interface(F.ifname("wan*")), negated: true), .verdict(.accept)])
                == #"iifname != "wan*" accept"#)
        #expect(listed([F.match(F.ip6Daddr, .prefix(.v6(F.v6("::1/128")))), .verdict(.goto("log_drop"))])
                == "ip6 daddr ::1 goto log_drop")
        #expect(listed([F.match(F.ipSaddr, .prefix(.v4(F.v4("127.0.0.0/8"))), negated: true), .verdict(.jump("x"))])
                == "ip saddr != 127.0.0.0/8 jump x")
        #expect(listed([.verdict(.continue)]) == "continue")
        #expect(listed([.verdict(.return)]) == "return")
        #expect(listed([.counter(Counter(packets: 12, bytes: 3400))]) == "counter packets 12 bytes 3400")
    }

    @Test func limitsAndLogs() {
        #expect(listed([.limit(RateLimit(rate: 10, per: .minute)), .log(Log(prefix: "spoofguard: ")), .verdict(.drop)])
                == #"limit rate 10/minute log prefix "spoofguard: " drop"#)
        #expect(listed([.limit(RateLimit(rate: 10, per: .second, burst: 20))]) == "limit rate 10/second burst 20 packets")
        #expect(listed([.limit(RateLimit(rate: 1, per: .week, burst: 5))]) == "limit rate 1/week")
        #expect(listed([.log(Log())]) == "log")
        #expect(listed([.log(Log(group: 3))]) == "log group 3")
        #expect(listed([.log(Log(prefix: "x", group: 3))]) == #"log prefix "x" group 3"#)
    }

    @Test func rejectSpelledByFamilyAndContext() {
        let v4 = F.match(F.ipSaddr, .prefix(.v4(F.v4("1.2.3.4/32"))))
        let v6 = F.match(F.ip6Saddr, .prefix(.v6(F.v6("::1/128"))))
        #expect(listed([.reject(.portUnreachable)]) == "reject")
        #expect(listed([v4, .reject(.portUnreachable)]) == "ip saddr 1.2.3.4 reject with icmp port-unreachable")
        #expect(listed([v6, .reject(.portUnreachable)]) == "ip6 saddr ::1 reject with icmpv6 port-unreachable")
        #expect(listed([.reject(.tcpReset)]) == "meta l4proto tcp reject with tcp reset")
        #expect(listed([F.match(F.iifname, .interface(F.ifname("x"))), v4, F.counter, .log(Log(prefix: "a")), .reject(.tcpReset)])
                == #"meta l4proto tcp iifname "x" ip saddr 1.2.3.4 counter packets 0 bytes 0 log prefix "a" reject with tcp reset"#)
        for family in [TableFamily.netdev, .bridge] {
            #expect(listed([v4, .reject(.portUnreachable)], family: family) == "ip saddr 1.2.3.4 reject with icmp port-unreachable")
            #expect(listed([.reject(.tcpReset)], family: family) == "meta l4proto tcp reject with tcp reset")
        }
        #expect(listed([v4, .reject(.portUnreachable)], family: .ip) == "ip saddr 1.2.3.4 reject")
        #expect(listed([.reject(.tcpReset)], family: .ip) == "reject with tcp reset")
        #expect(listed([v6, .reject(.portUnreachable)], family: .ip6) == "ip6 saddr ::1 reject")
        // The load form leaves the TCP dependency to nft.
        #expect(loadForm([v4, .reject(.tcpReset)]) == "ip saddr 1.2.3.4 reject with tcp reset")
    }

    @Test func networkFamilyDependenciesHiddenAsNftDoes() {
        let nfproto4 = F.match(.networkFamily, .family(.ipv4))
        let nfproto6 = F.match(.networkFamily, .family(.ipv6))
        let eth0 = F.match(F.iifname, .interface(F.ifname("eth0")))
        let v4 = F.match(F.ipSaddr, .prefix(.v4(F.v4("1.2.3.4/32"))))
        #expect(listed([nfproto4, .verdict(.accept)]) == "meta nfproto ipv4 accept")
        #expect(listed([nfproto4, v4, .verdict(.drop)]) == "ip saddr 1.2.3.4 drop")
        #expect(listed([nfproto6, eth0, F.match(F.ip6Saddr, .prefix(.v6(F.v6("::2/128")))), .verdict(.drop)])
                == #"iifname "eth0" ip6 saddr ::2 drop"#)
        #expect(listed([nfproto4, .reject(.portUnreachable)]) == "reject with icmp port-unreachable")
        #expect(listed([nfproto4, eth0, .reject(.portUnreachable)]) == #"iifname "eth0" reject with icmp port-unreachable"#)
        #expect(listed([nfproto4, F.counter, .reject(.portUnreachable)])
                == "meta nfproto ipv4 counter packets 0 bytes 0 reject with icmp port-unreachable")
        #expect(listed([nfproto4, F.counter, v4, .verdict(.drop)]) == "meta nfproto ipv4 counter packets 0 bytes 0 ip saddr 1.2.3.4 drop")
        #expect(listed([nfproto4, nfproto4, v4]) == "meta nfproto ipv4 ip saddr 1.2.3.4")
        #expect(listed([v4, nfproto4, .verdict(.drop)]) == "ip saddr 1.2.3.4 meta nfproto ipv4 drop")
        #expect(listed([F.match(.networkFamily, .family(.ipv4), negated: true), .reject(.portUnreachable)])
                == "meta nfproto != ipv4 reject")
        #expect(listed([nfproto6, .reject(.tcpReset)]) == "meta l4proto tcp reject with tcp reset")
        #expect(listed([nfproto4, eth0, .verdict(.drop)]) == #"meta nfproto ipv4 iifname "eth0" drop"#)
        #expect(loadForm([nfproto4, v4, .verdict(.drop)]) == "meta nfproto ipv4 ip saddr 1.2.3.4 drop")
    }

    @Test func prioritiesNamedPerFamilyAndHook() {
        func text(_ value: Int32, _ family: TableFamily, _ hook: Hook) -> String {
            NftSyntax.priority(Priority(rawValue: value), family: family, hook: hook)
        }
        #expect(text(-300, .inet, .prerouting) == "raw")
        #expect(text(-310, .inet, .prerouting) == "raw - 10")
        #expect(text(-291, .inet, .input) == "raw + 9")
        #expect(text(-289, .inet, .input) == "-289")
        #expect(text(-100, .ip, .prerouting) == "dstnat")
        #expect(text(-100, .ip, .input) == "-100")
        #expect(text(10, .inet, .prerouting) == "filter + 10")
        #expect(text(11, .inet, .prerouting) == "11")
        #expect(text(60, .ip6, .forward) == "security + 10")
        #expect(text(100, .inet, .postrouting) == "srcnat")
        #expect(text(100, .inet, .prerouting) == "100")
        #expect(text(-300, .bridge, .prerouting) == "dstnat")
        #expect(text(-295, .bridge, .prerouting) == "dstnat + 5")
        #expect(text(-300, .bridge, .input) == "-300")
        #expect(text(-200, .bridge, .forward) == "filter")
        #expect(text(0, .bridge, .prerouting) == "0")
        #expect(text(100, .bridge, .output) == "out")
        #expect(text(100, .bridge, .prerouting) == "100")
        #expect(text(300, .bridge, .postrouting) == "srcnat")
        #expect(text(-300, .netdev, .ingress) == "-300")
        #expect(text(5, .netdev, .ingress) == "filter + 5")
        #expect(text(-150, .arp, .input) == "-150")
        #expect(text(0, .arp, .output) == "filter")
    }

    @Test func setElementsWrappedAndOrderedAsNftLists() {
        let v4 = NftTextRenderer.setText(NamedSet(name: "s", flags: .interval, elements: .ipv4(IPv4Set(ranges: [
            IPv4Address(10, 0, 3, 0).bits...IPv4Address(10, 0, 3, 255).bits,
            IPv4Address(10, 0, 0, 1).bits...IPv4Address(10, 0, 0, 5).bits,
            IPv4Address(1, 2, 3, 4).bits...IPv4Address(1, 2, 3, 4).bits]))))
        #expect(v4 == "\tset s {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = { 1.2.3.4, 10.0.0.1-10.0.0.5,\n\t\t\t     10.0.3.0/24 }\n\t}\n")
        let v6 = NftTextRenderer.setText(NamedSet(name: "s", flags: [.constant, .interval],
                                                  elements: .ipv6(IPv6Set(F.loopbackMapped.map(F.v6))), comment: "c"))
        #expect(v6 == """
            \tset s {
            \t\ttype ipv6_addr
            \t\tflags constant,interval
            \t\tcomment "c"
            \t\telements = { ::1,
            \t\t\t     ::127.0.0.0/104,
            \t\t\t     ::ffff:127.0.0.0/104,
            \t\t\t     64:ff9b::7f00:0/104,
            \t\t\t     2001:0:7f00::/40,
            \t\t\t     2002:7f00::/24 }
            \t}

            """)
        let whole = NftSetText.elementTexts(.ipv4(.all), flags: .interval) + NftSetText.elementTexts(.ipv6(.all), flags: .interval)
        #expect(whole == ["0.0.0.0/0", "::/0"])
        #expect(NftTextRenderer.setText(NamedSet(name: "e", elements: .ipv4(IPv4Set()))) == "\tset e {\n\t\ttype ipv4_addr\n\t}\n")
    }

    @Test func interfaceSetsOrderedByKeyBytes() {
        let names = ["ab", "ba", "b", "aa", "eth0", "eth10", "eth2"].map(F.ifname)
        // Interval sets: memcmp order of the big-endian keys.
        #expect(NftSetText.sortedInterfaces(names + [F.ifname("f*")], interval: true).map(\.description)
                == ["aa", "ab", "b", "ba", "eth0", "eth10", "eth2", "f*"])
        // Hash sets: the key as a little-endian integer.
        #expect(NftSetText.sortedInterfaces(names, interval: false).map(\.description)
                == ["b", "aa", "ba", "ab", "eth0", "eth2", "eth10"])
        #expect(NftSetText.elementsBlock(F.interfaces("lo", "br-lan"), flags: []) == "{ \"lo\",\n\t\t\t     \"br-lan\" }")
    }

    @Test func baseChainsWithDevices() {
        let one = BaseChain(hook: .ingress, priority: .filter, devices: ["d0"])
        let many = BaseChain(hook: .ingress, priority: .raw, policy: .drop, devices: ["d2", "d0", "d1"])
        #expect(NftTextRenderer.baseChainText(one, family: .netdev, form: .listing)
                == #"type filter hook ingress device "d0" priority filter; policy accept;"#)
        #expect(NftTextRenderer.baseChainText(many, family: .netdev, form: .listing)
                == "type filter hook ingress devices = { d0, d1, d2 } priority -300; policy drop;")
        #expect(NftTextRenderer.baseChainText(many, family: .netdev, form: .load)
                == #"type filter hook ingress devices = { "d0", "d1", "d2" } priority -300; policy drop;"#)
    }

    @Test func tableLayout() {
        let dormant = Table(family: .ip6, name: "d", flags: .dormant, chains: [Chain(name: "x")])
        #expect(NftTextRenderer.listing(dormant) == "table ip6 d {\n\tflags dormant\n\n\tchain x {\n\t}\n}\n")
        let commented = Table(family: .ip, name: "c", chains: [
            Chain(name: "x", base: BaseChain(hook: .input, priority: .filter, policy: .drop))], comment: "only")
        #expect(NftTextRenderer.listing(commented)
                == "table ip c {\n\tcomment \"only\"\n\tchain x {\n\t\ttype filter hook input priority filter; policy drop;\n\t}\n}\n")
        #expect(NftTextRenderer.listing(Ruleset(tables: [Table(family: .inet, name: "b"), Table(family: .arp, name: "a")]))
                == "table inet b {\n}\ntable arp a {\n}\n")
        let sets = Table(family: .inet, name: "s", sets: [NamedSet(name: "a", elements: .ipv4(IPv4Set()))],
                         chains: [Chain(name: "c")])
        #expect(NftTextRenderer.listing(sets) == "table inet s {\n\tset a {\n\t\ttype ipv4_addr\n\t}\n\n\tchain c {\n\t}\n}\n")
    }

    @Test func loadFileReplacesOnlyItsTables() {
        let ruleset = Ruleset(tables: [F.inetPrerouting, F.netdevIngress])
        let text = NftTextRenderer.loadFile(ruleset)
        #expect(text.hasPrefix("""
            #!/usr/sbin/nft -f
            table inet spoofguard {}
            delete table inet spoofguard
            table netdev spoofguard {}
            delete table netdev spoofguard

            table inet spoofguard {

            """))
        // Apart from the preamble the load file is the listing, less what nft adds or hides itself.
        let body = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(6).joined(separator: "\n")
        let listing = NftTextRenderer.listing(ruleset)
        #expect(body.count < listing.count)
        #expect(body.contains("\t\tmeta nfproto ipv4 reject with icmp port-unreachable\n"))
        #expect(listing.contains("\t\treject with icmp port-unreachable\n"))
        #expect(!body.contains("meta l4proto tcp"))
        #expect(listing.contains("meta l4proto tcp iifname \"wan*\" ip6 daddr @destination_ipv6"))
    }

    @Test func largeSetsWrapTwoIPv4PerLine() {
        let table = F.largeTable(count: 5)
        let text = NftTextRenderer.setText(table.sets[0])
        #expect(text.contains("elements = { 10.0.0.0/24, 10.0.2.0/24,\n\t\t\t     10.0.4.0/24, 10.0.6.0/24,\n\t\t\t     10.0.8.0/24 }"))
        #expect(NftTextRenderer.setText(table.sets[1]).contains("{ 2001:db8::/48,\n\t\t\t     2001:db8:2::/48,"))
    }

    @Test func problemsReportUnrepresentableText() {
        var table = Table(family: .inet, name: "spoofguard", sets: [
            NamedSet(name: "wild", elements: F.interfaces("wan*")),
            NamedSet(name: "overlap", flags: .interval, elements: F.interfaces("eth*", "eth0", "ppp0")),
            NamedSet(name: "hosts", elements: F.ipv6Set("::1", "::3")),
            NamedSet(name: "nets", elements: F.ipv4Set("10.0.0.0/8")),
        ], chains: [Chain(name: "c", rules: [
            Rule([.log(Log(prefix: String(repeating: "x", count: 128))), .verdict(.goto("nowhere"))], comment: "say \"hi\""),
            Rule([F.match(F.ipSaddr, .set("missing"))]),
            Rule([.limit(RateLimit(rate: 1, per: .second, burst: 0))]),
        ])])
        let reasons = RenderProblem.problems(in: Ruleset(tables: [table])).map(\.description)
        #expect(reasons.count == 8)
        #expect(reasons.contains("table inet spoofguard, set nets: holds prefixes or ranges, which need the set to have the interval flag"))
        #expect(reasons.contains("table inet spoofguard, chain c, rule 3: limit rate 1/second burst 0: rate and burst must be at least 1"))
        #expect(reasons.contains { $0 == #"table inet spoofguard, set overlap: "eth*" and "eth0" overlap; nft refuses overlapping elements, keep only the wider one"# })
        #expect(reasons.contains { $0.hasPrefix("table inet spoofguard, chain c, rule 1: comment") && $0.contains("double quote") })
        #expect(reasons.contains { $0.contains("log prefix is 128 bytes long; nft accepts at most 127") })
        #expect(reasons.contains { $0.contains("chain nowhere") })
        #expect(reasons.contains { $0.contains("set @missing") })
        #expect(reasons.contains { $0.hasPrefix("table inet spoofguard, set wild:") && $0.contains("interval flag") })
        table.name = "1bad"
        #expect(RenderProblem.problems(in: Ruleset(tables: [table])).contains { $0.reason.contains("not an nft identifier") })
        #expect(RenderProblem.problems(in: Ruleset(tables: [F.inetPrerouting, F.netdevIngress, F.bridgePrerouting] + F.singleFamily)).isEmpty)
    }
}
