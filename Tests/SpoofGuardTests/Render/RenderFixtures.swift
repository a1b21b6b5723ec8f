@testable import SpoofGuard

/// Hand-built IR covering every construct the renderers know, in the shapes the compiler
/// produces (and a few it does not, to pin nft's behaviour down).
enum RenderFixtures {
    static func v4(_ text: String) -> IPv4Prefix { try! IPv4Prefix(parsing: text) }
    static func v6(_ text: String) -> IPv6Prefix { try! IPv6Prefix(parsing: text) }
    static func ifname(_ text: String) -> InterfacePattern { try! InterfacePattern(parsing: text) }
    static func ipv4Set(_ prefixes: String...) -> SetElements { .ipv4(IPv4Set(prefixes.map(v4))) }
    static func ipv6Set(_ prefixes: String...) -> SetElements { .ipv6(IPv6Set(prefixes.map(v6))) }
    static func interfaces(_ names: String...) -> SetElements { .interfaces(names.map(ifname)) }

    static func match(_ subject: MatchSubject, _ value: MatchValue, negated: Bool = false) -> Statement {
        .match(Match(subject, value, negated: negated))
    }
    static let iifname = MatchSubject.inputInterfaceName
    static let ipSaddr = MatchSubject.address(.ipv4, .source)
    static let ipDaddr = MatchSubject.address(.ipv4, .destination)
    static let ip6Saddr = MatchSubject.address(.ipv6, .source)
    static let ip6Daddr = MatchSubject.address(.ipv6, .destination)
    static let counter = Statement.counter(Counter())

    static let loopbackMapped = ["::1", "::ffff:127.0.0.0/104", "::127.0.0.0/104", "64:ff9b::7f00:0/104",
                                 "2002:7f00::/24", "2001:0:7f00::/40"]

    /// The prerouting guard of the design, with every rule form nft lists differently.
    static var inetPrerouting: Table {
        Table(family: .inet, name: "spoofguard", sets: [
            NamedSet(name: "external", flags: .interval, elements: interfaces("eth0", "wan*", "ppp0", "eth10", "vlan.5")),
            NamedSet(name: "internal", elements: interfaces("lo", "br-lan", "b", "aa", "ab")),
            NamedSet(name: "source_ipv4", flags: .interval, elements: ipv4Set("127.0.0.0/8")),
            NamedSet(name: "source_ipv6", flags: .interval,
                     elements: .ipv6(IPv6Set(loopbackMapped.map(v6))), comment: "loopback and loopback-mapped"),
            NamedSet(name: "destination_ipv4", flags: [.constant, .interval],
                     elements: .ipv4(IPv4Set(ranges: [IPv4Address(10, 0, 0, 1).bits...IPv4Address(10, 0, 0, 5).bits,
                                                      v4("127.0.0.0/8").range, v4("192.0.2.7/32").range]))),
            NamedSet(name: "destination_ipv6", flags: .interval, elements: ipv6Set("::1")),
            NamedSet(name: "empty_ipv4", flags: .interval, elements: .ipv4(IPv4Set())),
            NamedSet(name: "hosts_ipv4", elements: ipv4Set("192.0.2.9", "10.0.0.3", "10.0.0.1")),
            NamedSet(name: "hosts_ipv6", flags: .constant, elements: ipv6Set("::ffff:127.0.0.1", "::1", "fe80::1")),
        ], chains: [
            Chain(name: "prerouting", base: BaseChain(hook: .prerouting, priority: .raw), rules: [
                Rule([match(iifname, .set("external")), match(ipSaddr, .set("source_ipv4")), counter, .verdict(.goto("log_drop"))],
                     comment: "guard.source loopback (IPv4)"),
                Rule([match(iifname, .set("internal"), negated: true), match(ip6Saddr, .set("source_ipv6")), counter, .verdict(.drop)],
                     comment: "guard.source loopback-mapped \\ é"),
                Rule([match(iifname, .set("internal"), negated: true), match(ipDaddr, .set("destination_ipv4")), counter, .reject(.portUnreachable)]),
                Rule([match(iifname, .interface(ifname("wan*"))), match(ip6Daddr, .set("destination_ipv6")), counter, .reject(.tcpReset)]),
                Rule([match(.networkFamily, .family(.ipv6)), match(iifname, .interface(ifname("eth0"))),
                      match(ip6Saddr, .prefix(.v6(v6("::1/128")))), .verdict(.drop)]),
                Rule([match(.networkFamily, .family(.ipv4)), .reject(.portUnreachable)]),
                Rule([match(.networkFamily, .family(.ipv4)), counter, .reject(.portUnreachable)]),
                Rule([match(.networkFamily, .family(.ipv4), negated: true), .reject(.portUnreachable)]),
                Rule([match(iifname, .interface(ifname("eth0")), negated: true),
                      match(ipSaddr, .prefix(.v4(v4("10.0.0.0/8"))), negated: true), .verdict(.accept)]),
                Rule([match(ipSaddr, .set("empty_ipv4")), .log(Log(group: 3)), .verdict(.continue)]),
                Rule([.reject(.portUnreachable)]),
            ]),
            Chain(name: "log_drop", rules: [
                Rule([.limit(RateLimit(rate: 10, per: .minute)), .log(Log(prefix: "spoofguard: "))]),
                Rule([.limit(RateLimit(rate: 3, per: .second, burst: 20)), .log(Log(prefix: "sg ", group: 2))]),
                Rule([.log(Log()), counter, .verdict(.drop)]),
            ]),
            Chain(name: "late", base: BaseChain(hook: .prerouting, priority: Priority(rawValue: 10), policy: .accept), rules: [
                Rule([match(iifname, .interface(ifname("ppp0"))), .verdict(.jump("helper"))]),
                Rule([.verdict(.return)]),
            ]),
            Chain(name: "helper", rules: [Rule([match(ip6Saddr, .prefix(.v6(v6("2001:db8::/32")))), .verdict(.return)])]),
            Chain(name: "odd_priority", base: BaseChain(hook: .input, priority: Priority(rawValue: -289))),
            // inet ingress (kernel ≥ 5.10) needs a device, as netdev does.
            Chain(name: "inet_ingress", base: BaseChain(hook: .ingress, priority: Priority(rawValue: -150), devices: ["d1"]),
                  rules: [Rule([match(ip6Daddr, .set("destination_ipv6")), .reject(.portUnreachable)])]),
        ])
    }

    /// netdev ingress chains: one device each (as the compiler makes them) and one with several.
    static var netdevIngress: Table {
        Table(family: .netdev, name: "spoofguard", sets: [
            NamedSet(name: "source_ipv4", flags: .interval, elements: ipv4Set("127.0.0.0/8")),
            NamedSet(name: "source_ipv6", flags: .interval, elements: .ipv6(IPv6Set(loopbackMapped.map(v6)))),
        ], chains: ["d0", "d1"].map { device in
            Chain(name: "ingress_\(device)", base: BaseChain(hook: .ingress, priority: .filter, devices: [device]), rules: [
                Rule([match(ipSaddr, .set("source_ipv4")), counter, .verdict(.drop)], comment: "guard.source"),
                Rule([match(ip6Saddr, .set("source_ipv6")), counter, .verdict(.drop)]),
                Rule([match(ip6Daddr, .prefix(.v6(v6("::1/128")))), counter, .reject(.portUnreachable)]),
                Rule([.reject(.tcpReset)]),
            ])
        } + [
            Chain(name: "ingress_many", base: BaseChain(hook: .ingress, priority: Priority(rawValue: -300), policy: .drop,
                                                     devices: ["d2", "d1"])),
        ])
    }

    /// Bridge prerouting at -300, which nft names `dstnat` in this family, and -200 (`filter`).
    static var bridgePrerouting: Table {
        Table(family: .bridge, name: "spoofguard", sets: [
            NamedSet(name: "external", flags: .interval, elements: interfaces("veth*", "d0")),
            NamedSet(name: "source_ipv4", flags: .interval, elements: ipv4Set("127.0.0.0/8", "0.0.0.0/8")),
            NamedSet(name: "source_ipv6", flags: .interval, elements: .ipv6(IPv6Set(loopbackMapped.map(v6)))),
        ], chains: [
            Chain(name: "prerouting", base: BaseChain(hook: .prerouting, priority: .bridgeDstnat), rules: [
                Rule([match(iifname, .set("external")), match(ipSaddr, .set("source_ipv4")), counter, .verdict(.drop)]),
                Rule([match(iifname, .set("external")), match(ip6Saddr, .set("source_ipv6")), counter,
                      .limit(RateLimit(rate: 1, per: .hour)), .log(Log(prefix: "bridge: ")), .verdict(.drop)]),
            ]),
            Chain(name: "forward", base: BaseChain(hook: .forward, priority: .bridgeFilter, policy: .accept), rules: [
                Rule([match(ipDaddr, .prefix(.v4(v4("127.0.0.0/8")))), .verdict(.drop)]),
            ]),
        ])
    }

    /// ip and ip6 tables: reject spellings of the single-family tables, day and week limits.
    static var singleFamily: [Table] {
        [
            Table(family: .ip, name: "spoofguard", flags: .dormant, chains: [
                Chain(name: "input", base: BaseChain(hook: .input, priority: Priority(rawValue: 5)), rules: [
                    Rule([match(ipSaddr, .prefix(.v4(v4("127.0.0.0/8")))), .reject(.portUnreachable)]),
                    Rule([match(ipSaddr, .prefix(.v4(v4("127.0.0.1/32")))), .reject(.tcpReset)]),
                    Rule([.limit(RateLimit(rate: 1, per: .day)), .verdict(.accept)]),
                    // Read-back rules carry counts; the load file sets them, so they round-trip.
                    Rule([.counter(Counter(packets: 5, bytes: 700)), .verdict(.continue)]),
                ]),
            ], comment: "spoofguard ip"),
            Table(family: .ip6, name: "spoofguard", chains: [
                Chain(name: "postrouting", base: BaseChain(hook: .postrouting, priority: Priority(rawValue: 95))),
                Chain(name: "input", base: BaseChain(hook: .input, priority: .security), rules: [
                    Rule([match(ip6Saddr, .prefix(.v6(v6("::1/128")))), .reject(.portUnreachable)]),
                    Rule([.reject(.tcpReset)]),
                    Rule([.limit(RateLimit(rate: 2, per: .week)), .verdict(.drop)]),
                ]),
            ], comment: "no flags"),
        ]
    }

    /// `count` disjoint, non-adjacent IPv4 /24s and IPv6 /48s.
    static func largeTable(count: Int) -> Table {
        let v4Ranges = (0..<count).map { index -> ClosedRange<UInt32> in
            let start = IPv4Address(10, 0, 0, 0).bits + UInt32(index) * 512
            return start...(start + 255)
        }
        let v6Ranges = (0..<count).map { index -> ClosedRange<UInt128> in
            let start = v6("2001:db8::/32").network.bits + (UInt128(index) * 2) << 80
            return start...(start + (UInt128(1) << 80) - 1)
        }
        return Table(family: .inet, name: "spoofguard", sets: [
            NamedSet(name: "big_ipv4", flags: .interval, elements: .ipv4(IPv4Set(ranges: v4Ranges))),
            NamedSet(name: "big_ipv6", flags: .interval, elements: .ipv6(IPv6Set(ranges: v6Ranges))),
        ], chains: [
            Chain(name: "prerouting", base: BaseChain(hook: .prerouting, priority: .raw), rules: [
                Rule([match(ipSaddr, .set("big_ipv4")), counter, .verdict(.drop)]),
                Rule([match(ip6Saddr, .set("big_ipv6")), counter, .verdict(.drop)]),
            ]),
        ])
    }

    /// Tables of another tool that a spoofguard load must leave byte-identical.
    static let foreignTables = """
        table inet filter {
        \tchain input {
        \t\ttype filter hook input priority filter; policy accept;
        \t\tct state established,related accept
        \t\tiifname "lo" accept
        \t\ttcp dport 22 counter packets 0 bytes 0 accept
        \t}
        }
        table ip nat {
        \tchain postrouting {
        \t\ttype nat hook postrouting priority srcnat; policy accept;
        \t}
        }
        table inet spoofguard_other {
        \tset spoofguard {
        \t\ttype ipv4_addr
        \t\telements = { 192.0.2.1 }
        \t}
        }

        """
}
