import Testing
@testable import SpoofGuard
import SpoofGuardTestSupport

/// Rendered text and JSON against the real nft (1.0.6) in a private network namespace:
/// what nft lists after loading the load file must equal the rendered listing byte for byte.
@Suite(.tool(NftOracle.isAvailable, Comment(rawValue: NftOracle.unavailableReason)), .serialized)
struct NftOracleTests {
    typealias F = RenderFixtures

    static let fixtures: [(name: String, ruleset: Ruleset)] = [
        ("inet prerouting", Ruleset(tables: [F.inetPrerouting])),
        ("netdev ingress", Ruleset(tables: [F.netdevIngress])),
        ("bridge prerouting", Ruleset(tables: [F.bridgePrerouting])),
        ("ip and ip6", Ruleset(tables: F.singleFamily)),
        ("all families", Ruleset(tables: [F.inetPrerouting, F.netdevIngress, F.bridgePrerouting] + F.singleFamily)),
    ]

    static var fixtureNames: [String] { fixtures.map(\.name) }
    static func fixture(_ name: String) -> Ruleset { fixtures.first { $0.name == name }!.ruleset }

    /// Loads `files` in order with `nft -f` (or `nft -j -f` for .json) and returns `nft list ruleset`.
    func listAfterLoading(_ files: [(name: String, contents: String)]) throws -> NftOracle.Output {
        let loads = files.map { ($0.name.hasSuffix(".json") ? "nft -j -f" : "nft -f") + " \"$DIR/\($0.name)\"" }
        return try NftOracle.run(NftOracle.devices + loads.joined(separator: "\n") + "\nnft list ruleset\n",
                                 files: Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0.contents) }))
    }

    @Test(arguments: fixtureNames)
    func listingEqualsNftListing(_ name: String) throws {
        let ruleset = Self.fixture(name)
        let output = try listAfterLoading([("load.nft", NftTextRenderer.loadFile(ruleset))])
        #expect(output.status == 0, "nft failed: \(output.stderr)")
        #expect(output.stdout == NftTextRenderer.listing(ruleset))
    }

    @Test(arguments: fixtureNames)
    func loadingTwiceReplacesTheTables(_ name: String) throws {
        let ruleset = Self.fixture(name)
        let load = NftTextRenderer.loadFile(ruleset)
        let output = try listAfterLoading([("first.nft", load), ("second.nft", load)])
        #expect(output.status == 0, "nft failed: \(output.stderr)")
        #expect(output.stdout == NftTextRenderer.listing(ruleset))
    }

    /// A changed ruleset replaces the old one entirely: nothing of the old table survives.
    @Test func loadingAChangedRulesetLeavesNothingOfTheOld() throws {
        let old = Ruleset(tables: [F.inetPrerouting])
        var newTable = F.inetPrerouting
        newTable.sets[2].elements = F.ipv4Set("0.0.0.0/8", "127.0.0.0/8")
        newTable.chains.removeLast()
        newTable.chains[0].rules.removeFirst()
        let new = Ruleset(tables: [newTable])
        let output = try listAfterLoading([("old.nft", NftTextRenderer.loadFile(old)), ("new.nft", NftTextRenderer.loadFile(new))])
        #expect(output.status == 0, "nft failed: \(output.stderr)")
        #expect(output.stdout == NftTextRenderer.listing(new))
    }

    @Test func otherToolsTablesStayByteIdentical() throws {
        let ruleset = Self.fixture("all families")
        let load = NftTextRenderer.loadFile(ruleset)
        let script = NftOracle.devices + """
            nft -f "$DIR/foreign.nft"
            nft list ruleset > "$DIR/before"
            nft -f "$DIR/load.nft"
            nft -f "$DIR/load.nft"
            for t in "inet filter" "ip nat" "inet spoofguard_other"; do nft list table $t; done > "$DIR/foreign-after"
            nft list ruleset > "$DIR/after"
            echo "--before--"; cat "$DIR/before"
            echo "--foreign-after--"; cat "$DIR/foreign-after"
            echo "--after--"; cat "$DIR/after"
            """
        let output = try NftOracle.run(script, files: ["foreign.nft": F.foreignTables, "load.nft": load])
        #expect(output.status == 0, "nft failed: \(output.stderr)")
        let parts = output.stdout.components(separatedBy: "--foreign-after--\n")
        let before = parts[0].replacingOccurrences(of: "--before--\n", with: "")
        let sections = parts[1].components(separatedBy: "--after--\n")
        #expect(before == F.foreignTables)
        #expect(sections[0] == F.foreignTables)
        #expect(sections[1] == F.foreignTables + NftTextRenderer.listing(ruleset))
    }

    @Test(arguments: fixtureNames)
    func checkModeAcceptsTheLoadFileAndCommitsNothing(_ name: String) throws {
        let script = NftOracle.devices + "nft -c -f \"$DIR/load.nft\"\nnft list ruleset\n"
        let output = try NftOracle.run(script, files: ["load.nft": NftTextRenderer.loadFile(Self.fixture(name))])
        #expect(output.status == 0, "nft -c failed: \(output.stderr)")
        #expect(output.stdout == "")
    }

    @Test func checkModeRejectsABrokenLoadFile() throws {
        var table = F.inetPrerouting
        table.chains[0].rules.append(Rule([F.match(F.ipSaddr, .set("no_such_set")), .verdict(.drop)]))
        let script = "nft -c -f \"$DIR/load.nft\""
        let output = try NftOracle.run(script, files: ["load.nft": NftTextRenderer.loadFile(Ruleset(tables: [table]))])
        #expect(output.status != 0)
        #expect(output.stderr.contains("no_such_set"))
    }

    /// nft 1.0.6 reads neither table flags nor table/set comments from JSON, nor any `typeof`
    /// set (`RenderProblem.jsonProblems`, which `compile --format json` refuses): the JSON oracle
    /// compares rulesets without those.
    static func jsonComparable(_ ruleset: Ruleset) -> Ruleset {
        Ruleset(tables: ruleset.tables.map { table in
            var table = table
            let rawSets = Set(table.sets.filter { $0.rawKey != nil }.map(\.name))
            table.sets.removeAll { rawSets.contains($0.name) }
            for index in table.chains.indices {
                table.chains[index].rules.removeAll { rule in
                    rule.statements.contains { statement in
                        if case .match(let match) = statement, case .set(let name) = match.value { rawSets.contains(name) } else { false }
                    }
                }
            }
            table.flags = []
            table.comment = nil
            table.sets = table.sets.map { set in
                var set = set
                set.comment = nil
                return set
            }
            return table
        })
    }

    @Test(arguments: fixtureNames)
    func jsonLoadsToTheSameKernelRuleset(_ name: String) throws {
        let ruleset = Self.jsonComparable(Self.fixture(name))
        let text = try listAfterLoading([("load.nft", NftTextRenderer.loadFile(ruleset))])
        let json = try listAfterLoading([("load.json", NftJSONRenderer.render(ruleset))])
        let twice = try listAfterLoading([("a.json", NftJSONRenderer.render(ruleset)), ("b.json", NftJSONRenderer.render(ruleset))])
        #expect(json.status == 0, "nft -j failed: \(json.stderr)")
        #expect(twice.status == 0, "nft -j failed: \(twice.stderr)")
        #expect(json.stdout == text.stdout)
        #expect(twice.stdout == text.stdout)
        #expect(json.stdout == NftTextRenderer.listing(ruleset))
    }

    @Test func jsonBesideOtherToolsTables() throws {
        let ruleset = Self.jsonComparable(Self.fixture("all families"))
        let output = try listAfterLoading([("foreign.nft", F.foreignTables), ("load.json", NftJSONRenderer.render(ruleset))])
        #expect(output.status == 0, "nft -j failed: \(output.stderr)")
        #expect(output.stdout == F.foreignTables + NftTextRenderer.listing(ruleset))
    }

    /// 10 000 prefixes per family: nft lists large sets with the same wrapping as small ones.
    @Test func largeSetsListIdentically() throws {
        let ruleset = Ruleset(tables: [F.largeTable(count: 10_000)])
        let output = try listAfterLoading([("load.nft", NftTextRenderer.loadFile(ruleset))])
        #expect(output.status == 0, "nft failed: \(output.stderr)")
        let listing = NftTextRenderer.listing(ruleset)
        #expect(output.stdout == listing)
        #expect(listing.split(separator: "\n").count > 15_000)
        let json = try listAfterLoading([("load.json", NftJSONRenderer.render(ruleset))])
        #expect(json.stdout == listing)
    }
}
