import Testing
@testable import SpoofGuard

@Suite struct KernelStatusDiffTests {
    static func names(_ texts: [String]) -> [InterfacePattern] { texts.map { try! InterfacePattern(parsing: $0) } }
    static func v4(_ texts: [String]) -> IPv4Set { IPv4Set(texts.map { try! IPv4Prefix(parsing: $0) }) }

    static func table(interfaces: [String], negated: Bool = false, sources: [String] = ["127.0.0.0/8"],
                      family: TableFamily = .inet, devices: [String] = []) -> Table {
        let setName = negated ? "internal_interfaces" : "external_interfaces"
        var statements: [Statement] = family == .netdev ? [] : [.match(Match(.inputInterfaceName, .set(setName), negated: negated))]
        statements += [.match(Match(.address(.ipv4, .source), .set("source_ipv4"))), .counter(Counter(packets: 4, bytes: 240)), .verdict(.drop)]
        var sets = [NamedSet(name: "source_ipv4", flags: .interval, elements: .ipv4(v4(sources)))]
        if family != .netdev { sets.insert(NamedSet(name: setName, flags: .interval, elements: .interfaces(names(interfaces))), at: 0) }
        return Table(family: family, name: "spoofguard", sets: sets, chains: [
            Chain(name: "prerouting", base: BaseChain(hook: family == .netdev ? .ingress : .prerouting, priority: .raw, devices: devices),
                  rules: [Rule(statements, comment: "guard.source ipv4", handle: 3)]),
        ])
    }

    @Test func statusReportsCountersAndCoverage() {
        let status = LoadedGuard(ruleset: Ruleset(tables: [Self.table(interfaces: ["eth0", "wan*"])]),
                                 existingInterfaces: ["eth0", "eth1", "lo", "wan7"])
        #expect(status.present)
        let rule = status.tables[0].chains[0].rules[0]
        #expect(rule.packets == 4 && rule.bytes == 240 && rule.handle == 3)
        // The rule as `nft list` prints it, counts included.
        #expect(rule.text == "iifname @external_interfaces ip saddr @source_ipv4 counter packets 4 bytes 240 drop comment \"guard.source ipv4\"")
        #expect(status.tables[0].chains[0].hook == "prerouting priority raw")
        #expect(status.tables[0].sets[0].elements == ["eth0", "wan*"])
        #expect(status.interfaces.filter(\.guarded).map(\.name) == ["eth0", "wan7"])
        #expect(status.tables[0].guardedInterfaces == ["eth0", "wan*"])
        #expect(status.tables[0].excludedInterfaces == [])
        #expect(status.tables[0].guardedSources == ["127.0.0.0/8"])
        #expect(status.tables[0].guardedDestinations == [])
    }

    /// `status` without `--elements`: address sets read empty are reported as not read (their
    /// name, `@source_ipv4`), never as guarding nothing; interface sets still decide coverage.
    @Test func unreadAddressSetsAreNamedNotEmpty() {
        var table = Self.table(interfaces: ["eth0", "wan*"])
        table.sets[1].elements = .ipv4(IPv4Set())
        let status = LoadedGuard(ruleset: Ruleset(tables: [table]), existingInterfaces: ["eth0", "lo"], addressElementsRead: false)
        #expect(status.tables[0].guardedSources == ["@source_ipv4"])
        #expect(status.tables[0].sets[0].elements == ["eth0", "wan*"])
        #expect(status.tables[0].sets[1].elements == nil)
        #expect(status.interfaces.filter(\.guarded).map(\.name) == ["eth0"])
    }

    /// Equal sets are not spelled out element by element, and differing ones still are.
    @Test func diffListsOnlyTheElementsThatDiffer() {
        let loaded = Ruleset(tables: [Self.table(interfaces: ["eth0"], sources: ["127.0.0.0/8", "10.0.0.0/8"])])
        #expect(RulesetDiff(expected: loaded, loaded: loaded).isEmpty)
        let expected = Ruleset(tables: [Self.table(interfaces: ["eth0"])])
        #expect(RulesetDiff(expected: expected, loaded: loaded).lines == ["+ table inet spoofguard set source_ipv4 element 10.0.0.0/8"])
    }

    /// Scope lists keep first-seen order and hold each value once, however many rules (and a
    /// literal prefix beside the set) name it; 20,000 prefixes once took quadratic time here.
    @Test func scopeListsAreOrderedAndUnique() {
        // Every other /24, so that none merge.
        let sources = (0..<20_000).map { "10.\($0 * 2 / 256).\($0 * 2 % 256).0/24" }
        var table = Self.table(interfaces: ["eth0", "wan*"], sources: sources)
        table.chains[0].rules.append(table.chains[0].rules[0])
        table.chains[0].rules.append(Rule([.match(Match(.inputInterfaceName, .interface(Self.names(["eth0"])[0]))),
                                           .match(Match(.address(.ipv4, .source), .prefix(.v4(try! IPv4Prefix(parsing: "10.0.2.0/24"))))),
                                           .verdict(.drop)], comment: "literal"))
        let scope = LoadedGuard.scope(of: table)
        #expect(scope.guarded == ["eth0", "wan*"])
        #expect(scope.sources == Self.v4(sources).ranges.map { IPv4Set.describe($0) })
        #expect(scope.sources.count == 20_000)
    }

    @Test func negatedInternalSetGuardsEverythingElse() {
        let status = LoadedGuard(ruleset: Ruleset(tables: [Self.table(interfaces: ["lo", "br-*"], negated: true)]),
                                 existingInterfaces: ["br-lan", "eth0", "lo"])
        #expect(status.interfaces.map(\.guarded) == [false, true, false])
        #expect(status.tables[0].excludedInterfaces == ["lo", "br-*"])
    }

    @Test func netdevChainsGuardTheirDevicesOnly() {
        let status = LoadedGuard(ruleset: Ruleset(tables: [Self.table(interfaces: [], family: .netdev, devices: ["eth1"])]),
                                 existingInterfaces: ["eth0", "eth1"])
        #expect(status.interfaces.map(\.guarded) == [false, true])
        #expect(status.interfaces[1].guardedBy == ["netdev spoofguard"])
    }

    @Test func absentTable() {
        let status = LoadedGuard(ruleset: Ruleset(), existingInterfaces: ["eth0"])
        #expect(!status.present && status.interfaces == [.init(name: "eth0", guarded: false, guardedBy: [])])
    }

    @Test func diffIgnoresCountersAndNamesChanges() {
        let expected = Ruleset(tables: [Self.table(interfaces: ["eth0", "wan*"])])
        var counted = expected
        counted.tables[0].chains[0].rules[0].statements[2] = .counter(Counter(packets: 99, bytes: 1))
        #expect(RulesetDiff(expected: expected, loaded: counted).isEmpty)

        let loaded = Ruleset(tables: [Self.table(interfaces: ["eth0", "ppp*"], sources: ["127.0.0.0/8", "10.0.0.0/8"])])
        let diff = RulesetDiff(expected: expected, loaded: loaded)
        #expect(diff.lines == [
            "- table inet spoofguard set external_interfaces element wan*",
            "+ table inet spoofguard set external_interfaces element ppp*",
            "+ table inet spoofguard set source_ipv4 element 10.0.0.0/8",
        ])
        #expect(RulesetDiff(expected: expected, loaded: Ruleset()).lines == ["- table inet spoofguard (not loaded)"])
        var extraRule = expected
        extraRule.tables[0].chains[0].rules.append(Rule([.verdict(.accept)]))
        #expect(RulesetDiff(expected: expected, loaded: extraRule).lines == ["+ table inet spoofguard chain prerouting rule: accept"])
    }
}

@Suite struct CounterCarryTests {
    /// A table without the ownership mark (an earlier spoofguard's, or another tool's) is a difference.
    @Test func diffNamesAMissingOwnershipMark() {
        let unmarked = Ruleset(tables: [KernelStatusDiffTests.table(interfaces: ["eth0"])])
        let diff = RulesetDiff(expected: unmarked.marked, loaded: unmarked)
        #expect(diff.lines == ["~ table inet spoofguard: comment \"managed by spoofguard\" expected, none loaded"])
        #expect(RulesetDiff(expected: unmarked.marked, loaded: unmarked.marked).isEmpty)
        // status reads the mark back too.
        #expect(LoadedGuard(ruleset: unmarked, existingInterfaces: []).tables.map(\.marked) == [false])
        #expect(LoadedGuard(ruleset: unmarked.marked, existingInterfaces: []).tables.map(\.marked) == [true])
    }

    @Test func countersFollowTheirPolicyEntry() {
        let old = Ruleset(tables: [KernelStatusDiffTests.table(interfaces: ["eth0"])])
        var new = Ruleset(tables: [KernelStatusDiffTests.table(interfaces: ["eth0", "eth1"])])
        new.tables[0].chains[0].rules[0].statements[2] = .counter(Counter())
        new.tables[0].chains[0].rules.append(Rule([.counter(Counter()), .verdict(.accept)], comment: "new entry"))
        let carried = new.carryingCounters(from: old)
        #expect(carried.tables[0].chains[0].rules[0].counter == Counter(packets: 4, bytes: 240))
        #expect(carried.tables[0].chains[0].rules[1].counter == Counter())
        #expect(carried.withoutRuntimeState == new.withoutRuntimeState)
    }
}
