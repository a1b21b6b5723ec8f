import Foundation
import SpoofGuard
import SpoofGuardNetlink
import Testing
import SpoofGuardTestSupport

/// The tests' one namespace helper (SpoofGuardTestSupport), seen from the library: the library
/// opens its socket on a thread that enters it, and `nft` runs through `ip netns exec`.
extension TestNamespace {
    var namespace: NetworkNamespace { NetworkNamespace(nameOrPath: name) }

    func kernel() throws -> NetfilterKernel { try NetfilterKernel(namespace: namespace) }

    /// Runs nft inside the namespace; the oracle, never part of the product.
    @discardableResult
    func nft(_ arguments: String..., input: String? = nil) throws -> String {
        try run(["ip", "netns", "exec", name, "nft"] + arguments, input: input)
    }

    @discardableResult
    func exec(_ arguments: String...) throws -> String {
        try run(["ip", "netns", "exec", name] + arguments)
    }
}

@discardableResult
func run(_ arguments: String...) throws -> String { try run(arguments) }

/// Runs a tool that must succeed (through the tests' one process runner): its standard output.
@discardableResult
func run(_ arguments: [String], input: String? = nil) throws -> String {
    try TestProcess.succeed(arguments, input: input)
}

let isRoot = getuid() == 0

/// Hand-built rulesets equal to what the compiler emits for the example policies (ownership
/// mark included), with the nft text that `nft -f` must turn into the same kernel state.
enum Examples {
    static func prefix(_ text: String) -> IPPrefix { try! IPPrefix(parsing: text) }
    static func names(_ texts: [String]) -> [InterfacePattern] { texts.map { try! InterfacePattern(parsing: $0) } }
    static func v4(_ texts: [String]) -> IPv4Set { IPv4Set(texts.map { try! IPv4Prefix(parsing: $0) }) }
    static func v6(_ texts: [String]) -> IPv6Set { IPv6Set(texts.map { try! IPv6Prefix(parsing: $0) }) }

    static let sourceV6 = ["::1", "::127.0.0.0/104", "::ffff:127.0.0.0/104", "2002:7f00::/24"]

    /// The default policy: external interfaces, source guard for both families.
    static var prerouting: Ruleset {
        Ruleset(tables: [Table(family: .inet, name: "spoofguard", sets: [
            NamedSet(name: "external_interfaces", flags: .interval, elements: .interfaces(names(["eth0", "ppp*", "wan*"]))),
            NamedSet(name: "source_ipv4", flags: .interval, elements: .ipv4(v4(["127.0.0.0/8"]))),
            NamedSet(name: "source_ipv6", flags: .interval, elements: .ipv6(v6(sourceV6))),
        ], chains: [
            Chain(name: "prerouting", base: BaseChain(hook: .prerouting, priority: .raw), rules: [
                Rule([.match(Match(.inputInterfaceName, .set("external_interfaces"))),
                      .match(Match(.address(.ipv4, .source), .set("source_ipv4"))), .counter(Counter()), .verdict(.drop)],
                     comment: "guard.source ipv4"),
                Rule([.match(Match(.inputInterfaceName, .set("external_interfaces"))),
                      .match(Match(.address(.ipv6, .source), .set("source_ipv6"))), .counter(Counter()), .verdict(.drop)],
                     comment: "guard.source ipv6"),
            ]),
        ])]).marked
    }

    static let preroutingText = """
    table inet spoofguard {
    	comment "managed by spoofguard"
    	set external_interfaces { type ifname; flags interval; elements = { "eth0", "ppp*", "wan*" } }
    	set source_ipv4 { type ipv4_addr; flags interval; elements = { 127.0.0.0/8 } }
    	set source_ipv6 { type ipv6_addr; flags interval; elements = { ::1, ::127.0.0.0/104, ::ffff:127.0.0.0/104, 2002:7f00::/24 } }
    	chain prerouting { type filter hook prerouting priority raw; policy accept;
    		iifname @external_interfaces ip saddr @source_ipv4 counter drop comment "guard.source ipv4"
    		iifname @external_interfaces ip6 saddr @source_ipv6 counter drop comment "guard.source ipv6"
    	}
    }

    """

    /// External omitted (everything but internal), destination guard, logging through a goto chain.
    static var internalWithLog: Ruleset {
        Ruleset(tables: [Table(family: .inet, name: "spoofguard", sets: [
            NamedSet(name: "internal_interfaces", flags: .interval, elements: .interfaces(names(["br-lan", "lo"]))),
            NamedSet(name: "source_ipv4", flags: .interval, elements: .ipv4(v4(["127.0.0.0/8"]))),
            NamedSet(name: "destination_ipv4", flags: .interval, elements: .ipv4(v4(["127.0.0.0/8"]))),
        ], chains: [
            Chain(name: "prerouting", base: BaseChain(hook: .prerouting, priority: .raw), rules: [
                Rule([.match(Match(.inputInterfaceName, .set("internal_interfaces"), negated: true)),
                      .match(Match(.address(.ipv4, .source), .set("source_ipv4"))), .counter(Counter()), .verdict(.goto("log_and_drop"))],
                     comment: "guard.source ipv4"),
                Rule([.match(Match(.inputInterfaceName, .set("internal_interfaces"), negated: true)),
                      .match(Match(.address(.ipv4, .destination), .set("destination_ipv4"))), .counter(Counter()), .verdict(.goto("log_and_drop"))],
                     comment: "guard.destination ipv4"),
                Rule([.match(Match(.inputInterfaceName, .interface(names(["wan*"])[0]))),
                      .match(Match(.address(.ipv6, .source), .prefix(prefix("::1")))), .counter(Counter()), .reject(.portUnreachable)],
                     comment: "guard.source literal"),
            ]),
            Chain(name: "log_and_drop", rules: [
                Rule([.limit(RateLimit(rate: 10, per: .minute)), .log(Log(prefix: "spoofguard: "))], comment: "action.log"),
                Rule([.verdict(.drop)], comment: "action.verdict"),
            ]),
        ])]).marked
    }

    static let internalWithLogText = """
    table inet spoofguard {
    	comment "managed by spoofguard"
    	set internal_interfaces { type ifname; flags interval; elements = { "br-lan", "lo" } }
    	set source_ipv4 { type ipv4_addr; flags interval; elements = { 127.0.0.0/8 } }
    	set destination_ipv4 { type ipv4_addr; flags interval; elements = { 127.0.0.0/8 } }
    	chain prerouting { type filter hook prerouting priority raw; policy accept;
    		iifname != @internal_interfaces ip saddr @source_ipv4 counter goto log_and_drop comment "guard.source ipv4"
    		iifname != @internal_interfaces ip daddr @destination_ipv4 counter goto log_and_drop comment "guard.destination ipv4"
    		iifname "wan*" ip6 saddr ::1 counter reject comment "guard.source literal"
    	}
    	chain log_and_drop {
    		limit rate 10/minute log prefix "spoofguard: " comment "action.log"
    		drop comment "action.verdict"
    	}
    }

    """

    /// Ingress (netdev, one chain per device) and bridge prerouting.
    static var ingressAndBridge: Ruleset {
        let source4 = NamedSet(name: "source_ipv4", flags: .interval, elements: .ipv4(v4(["127.0.0.0/8"])))
        let source6 = NamedSet(name: "source_ipv6", flags: .interval, elements: .ipv6(v6(sourceV6)))
        func guardRules() -> [Rule] {
            [Rule([.match(Match(.address(.ipv4, .source), .set("source_ipv4"))), .counter(Counter()), .verdict(.drop)], comment: "guard.source ipv4"),
             Rule([.match(Match(.address(.ipv6, .source), .set("source_ipv6"))), .counter(Counter()), .verdict(.drop)], comment: "guard.source ipv6")]
        }
        return Ruleset(tables: [
            Table(family: .netdev, name: "spoofguard", sets: [source4, source6], chains: [
                Chain(name: "ingress_sgdummy0", base: BaseChain(hook: .ingress, priority: .filter, devices: ["sgdummy0"]), rules: guardRules()),
            ]),
            Table(family: .bridge, name: "spoofguard", sets: [source4, source6], chains: [
                Chain(name: "prerouting", base: BaseChain(hook: .prerouting, priority: .bridgeDstnat), rules: guardRules()),
            ]),
        ]).marked
    }

    static let ingressAndBridgeText = """
    table netdev spoofguard {
    	comment "managed by spoofguard"
    	set source_ipv4 { type ipv4_addr; flags interval; elements = { 127.0.0.0/8 } }
    	set source_ipv6 { type ipv6_addr; flags interval; elements = { ::1, ::127.0.0.0/104, ::ffff:127.0.0.0/104, 2002:7f00::/24 } }
    	chain ingress_sgdummy0 { type filter hook ingress device "sgdummy0" priority filter; policy accept;
    		ip saddr @source_ipv4 counter drop comment "guard.source ipv4"
    		ip6 saddr @source_ipv6 counter drop comment "guard.source ipv6"
    	}
    }
    table bridge spoofguard {
    	comment "managed by spoofguard"
    	set source_ipv4 { type ipv4_addr; flags interval; elements = { 127.0.0.0/8 } }
    	set source_ipv6 { type ipv6_addr; flags interval; elements = { ::1, ::127.0.0.0/104, ::ffff:127.0.0.0/104, 2002:7f00::/24 } }
    	chain prerouting { type filter hook prerouting priority dstnat; policy accept;
    		ip saddr @source_ipv4 counter drop comment "guard.source ipv4"
    		ip6 saddr @source_ipv6 counter drop comment "guard.source ipv6"
    	}
    }

    """

    static let all: [(name: String, ruleset: Ruleset, text: String)] = [
        ("prerouting", prerouting, preroutingText),
        ("internal+log", internalWithLog, internalWithLogText),
        ("ingress+bridge", ingressAndBridge, ingressAndBridgeText),
    ]
}
