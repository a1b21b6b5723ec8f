import Testing
@testable import SpoofGuard

@Suite struct CompilerTests {
    static func prefixes(_ texts: [String]) -> [IPPrefix] { texts.map { try! IPPrefix(parsing: $0) } }

    static func policy(
        external: ExternalInterfaces = .listed(["eth0", "wan*"].map { try! InterfacePattern(parsing: $0) }),
        sources: [String] = ["127.0.0.0/8", "::1/128", "::ffff:127.0.0.0/104"],
        destinations: [String] = ["127.0.0.0/8", "::1/128"],
        action: Action = Action(), hooks: [PolicyHook] = [.prerouting]
    ) -> Policy {
        Policy(external: external,
               guardedSources: [GuardEntry(origin: .literal("test"), prefixes: prefixes(sources), path: "$.guard.source[0]")],
               guardedDestinations: destinations.isEmpty ? [] : [GuardEntry(origin: .literal("test"), prefixes: prefixes(destinations), path: "$.guard.destination[0]")],
               action: action, hooks: hooks)
    }

    @Test func preroutingTableHasOneRulePerDirectionAndFamily() throws {
        let ruleset = Compiler.compile(Self.policy())
        let table = try #require(ruleset.table(family: .inet, name: "spoofguard"))
        #expect(table.sets.map(\.name) == ["external_interfaces", "source_ipv4", "source_ipv6", "destination_ipv4", "destination_ipv6"])
        let interfaces = try #require(table.set(named: "external_interfaces"))
        #expect(interfaces.flags == [.constant, .interval], "wildcards need an interval set")
        #expect(interfaces.elements == .interfaces(["eth0", "wan*"].map { try! InterfacePattern(parsing: $0) }))
        #expect(table.set(named: "source_ipv6")?.elements == .ipv6(IPv6Set(try ["::1", "::ffff:127.0.0.0/104"].map { try IPv6Prefix(parsing: $0) })))

        let chain = try #require(table.chain(named: "prerouting"))
        #expect(chain.base == BaseChain(hook: .prerouting, priority: .raw))
        #expect(chain.rules.map(\.comment) == ["guard.source ipv4", "guard.source ipv6", "guard.destination ipv4", "guard.destination ipv6"])
        #expect(chain.rules[1].statements == [
            .match(Match(.inputInterfaceName, .set("external_interfaces"))),
            .match(Match(.address(.ipv6, .source), .set("source_ipv6"))),
            .counter(Counter()),
            .verdict(.drop),
        ])
    }

    @Test func ruleCountDoesNotGrowWithInterfacesOrPrefixes() {
        let small = Compiler.compile(Self.policy())
        let manyInterfaces = (0..<1000).map { try! InterfacePattern(parsing: "eth\($0)") }
        let manyPrefixes = (0..<5000).map { "10.\($0 / 256).\($0 % 256).0/24" } + ["127.0.0.0/8", "::1"]
        let large = Compiler.compile(Self.policy(external: .listed(manyInterfaces), sources: manyPrefixes))
        let rules = { (ruleset: Ruleset) in ruleset.tables.flatMap(\.chains).map(\.rules.count).reduce(0, +) }
        #expect(rules(small) == rules(large))
        // 5000 adjacent /24s merge into ranges; the set holds merged intervals, not prefixes.
        if case .ipv4(let set)? = large.tables[0].set(named: "source_ipv4")?.elements {
            #expect(set.ranges.count == 2)
        } else {
            Issue.record("source_ipv4 missing")
        }
    }

    @Test func omittedExternalGuardsEverythingButInternal() throws {
        let ruleset = Compiler.compile(Self.policy(external: .allExceptInternal))
        let table = try #require(ruleset.tables.first)
        #expect(table.set(named: "internal_interfaces")?.elements == .interfaces([.loopback]))
        #expect(table.set(named: "external_interfaces") == nil)
        #expect(table.chains[0].rules[0].statements[0] == .match(Match(.inputInterfaceName, .set("internal_interfaces"), negated: true)))
    }

    @Test func emptyFamiliesProduceNoSetAndNoRule() throws {
        let ruleset = Compiler.compile(Self.policy(sources: ["127.0.0.0/8"], destinations: []))
        let table = try #require(ruleset.tables.first)
        #expect(table.sets.map(\.name) == ["external_interfaces", "source_ipv4"])
        #expect(table.chains[0].rules.count == 1)
    }

    @Test func loggingGoesThroughALimitedChain() throws {
        let action = Action(verdict: .reject, counter: true, log: LogAction(prefix: "sg: ", rate: RateLimit(rate: 5, per: .second)))
        let table = try #require(Compiler.compile(Self.policy(action: action)).tables.first)
        #expect(table.chains.map(\.name) == ["prerouting", "log_and_drop"])
        #expect(table.chains[0].rules.allSatisfy { $0.statements.last == .verdict(.goto("log_and_drop")) })
        #expect(table.chains[1].base == nil)
        #expect(table.chains[1].rules.map(\.statements) == [
            [.limit(RateLimit(rate: 5, per: .second)), .log(Log(prefix: "sg: "))],
            [.reject(.portUnreachable)],
        ])
    }

    @Test func counterCanBeTurnedOff() throws {
        let table = try #require(Compiler.compile(Self.policy(action: Action(counter: false))).tables.first)
        #expect(table.chains[0].rules.allSatisfy { $0.counter == nil })
    }

    @Test func eachHookGetsItsOwnFamilyTable() throws {
        let external = ExternalInterfaces.listed(["eth1", "eth0"].map { try! InterfacePattern(parsing: $0) })
        let ruleset = Compiler.compile(Self.policy(external: external, hooks: [.bridge, .ingress, .prerouting]))
        #expect(ruleset.tables.map(\.family) == [.inet, .netdev, .bridge])
        let netdev = try #require(ruleset.table(family: .netdev, name: "spoofguard"))
        #expect(netdev.chains[0].base?.devices == ["eth0", "eth1"])
        #expect(netdev.chains[0].base?.hook == .ingress)
        #expect(netdev.sets.allSatisfy { $0.key != .interfaceName }, "netdev chains are bound to devices")
        #expect(netdev.chains[0].rules[0].statements.first == .match(Match(.address(.ipv4, .source), .set("source_ipv4"))))
        let bridge = try #require(ruleset.table(family: .bridge, name: "spoofguard"))
        #expect(bridge.chains[0].base == BaseChain(hook: .prerouting, priority: .bridgeDstnat))
    }
}
