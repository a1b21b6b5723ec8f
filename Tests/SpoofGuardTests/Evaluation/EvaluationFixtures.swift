@testable import SpoofGuard

/// Builders shared by the evaluator and verifier tests.
enum Fixture {
    static func patterns(_ names: [String]) -> [InterfacePattern] { names.map { try! InterfacePattern(parsing: $0) } }
    static func prefixes(_ texts: [String]) -> [IPPrefix] { texts.map { try! IPPrefix(parsing: $0) } }
    static func v4(_ texts: [String]) -> IPv4Set { IPv4Set(texts.map { try! IPv4Prefix(parsing: $0) }) }
    static func v6(_ texts: [String]) -> IPv6Set { IPv6Set(texts.map { try! IPv6Prefix(parsing: $0) }) }

    static let defaultSources = ["127.0.0.0/8", "::1/128", "::ffff:127.0.0.0/104", "::127.0.0.0/104",
                                 "64:ff9b::7f00:0/104", "2002:7f00::/24", "2001:0:7f00::/40"]
    static let defaultDestinations = ["127.0.0.0/8", "::1/128"]

    static func policy(
        external: ExternalInterfaces = .listed(patterns(["eth0", "wan*", "ppp0"])),
        internalNames: [String] = ["lo", "br-lan"],
        sources: [String] = defaultSources,
        destinations: [String] = defaultDestinations,
        action: Action = Action(), hooks: [PolicyHook] = [.prerouting]
    ) -> Policy {
        Policy(external: external, internal: patterns(internalNames),
               guardedSources: sources.isEmpty ? [] : [GuardEntry(origin: .literal("test"), prefixes: prefixes(sources), path: "$.guard.source[0]")],
               guardedDestinations: destinations.isEmpty ? [] : [GuardEntry(origin: .literal("test"), prefixes: prefixes(destinations), path: "$.guard.destination[0]")],
               action: action, hooks: hooks)
    }

    static func packet(_ interface: String, _ source: String, _ destination: String,
                       kind: InputInterface.Kind? = nil, transport: TransportProtocol = .udp,
                       routeLocalnet: Bool = false) -> Packet {
        Packet(inputInterface: InputInterface(name: interface, kind: kind),
               source: try! IPAddress(parsing: source), destination: try! IPAddress(parsing: destination),
               transport: transport, destinationPort: transport == .tcp ? 80 : 53, routeLocalnet: routeLocalnet)
    }

    /// An inet table with the given base chains (name, priority, policy, rules) and sets.
    static func inet(_ chains: [Chain], sets: [NamedSet] = [], family: TableFamily = .inet, name: String = "t") -> Ruleset {
        Ruleset(tables: [Table(family: family, name: name, sets: sets, chains: chains)])
    }

    static func base(_ name: String, priority: Priority = .raw, policy: ChainPolicy = .accept, _ rules: [Rule]) -> Chain {
        Chain(name: name, base: BaseChain(hook: .prerouting, priority: priority, policy: policy), rules: rules)
    }

    static func source4(_ prefix: String, negated: Bool = false) -> Statement {
        .match(Match(.address(.ipv4, .source), .prefix(try! IPPrefix(parsing: prefix)), negated: negated))
    }
}
