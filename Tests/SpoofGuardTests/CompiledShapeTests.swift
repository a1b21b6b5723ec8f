import Testing
@testable import SpoofGuard

/// Tables an earlier spoofguard wrote carry no ownership mark: `CompiledShape` must accept
/// exactly what the compiler makes for some policy, and nothing else of spoofguard's names.
@Suite struct CompiledShapeTests {
    static func decode(_ json: String) throws -> Policy {
        try Policy.decode(Array(json.utf8), source: "test")
    }

    /// Compiled tables with the mark removed, as an earlier version wrote them.
    static func unmarked(_ json: String) throws -> [Table] {
        Compiler.compile(try decode(json)).tables.map { table in
            var table = table
            table.comment = nil
            return table
        }
    }

    static let policies = [
        #"{"version": 1, "external": ["eth0", "wan*"]}"#,
        #"{"version": 1, "internal": ["br-lan"], "action": {"verdict": "reject", "counter": false}}"#,
        #"{"version": 1, "external": ["eth0"], "action": {"log": {"prefix": "x: ", "rate": "3/second", "group": 2}}}"#,
        #"{"version": 1, "table": "edge", "external": ["eth0", "eth1"], "hooks": ["ingress", "bridge", "prerouting"],"#
            + #" "guard": {"source": ["loopback", "10.0.0.0/8", "2001:db8::/32"], "destination": []}}"#,
    ]

    @Test(arguments: policies)
    func everyCompiledTableIsRecognised(_ json: String) throws {
        for table in try Self.unmarked(json) {
            #expect(CompiledShape.matches(table), "\(table.family) \(table.name)")
        }
    }

    @Test func anyDifferenceIsNotSpoofguards() throws {
        let table = try #require(try Self.unmarked(Self.policies[0]).first)
        var extraRule = table
        extraRule.chains[0].rules.append(Rule([.verdict(.accept)]))
        var otherPriority = table
        otherPriority.chains[0].base?.priority = .filter
        var otherFlags = table
        otherFlags.sets[0].flags = [.interval]
        var otherComment = table
        otherComment.comment = "made by hand"
        var renamed = table
        renamed.chains[0].name = "input"
        for candidate in [extraRule, otherPriority, otherFlags, otherComment, renamed] {
            #expect(!CompiledShape.matches(candidate))
        }
        var otherElements = table
        otherElements.sets[0].elements = .interfaces(try ["eth9", "ppp*"].map { try InterfacePattern(parsing: $0) })
        // Other interfaces are another policy's, still a compiled shape…
        #expect(CompiledShape.matches(otherElements))
        // …but without a wildcard the compiler makes the set without `interval`.
        otherElements.sets[0].elements = .interfaces([try InterfacePattern(parsing: "eth9")])
        #expect(!CompiledShape.matches(otherElements))
        otherElements.sets[0].flags = [.constant]
        #expect(CompiledShape.matches(otherElements))
    }

    @Test func debianFilterTableIsNotSpoofguards() {
        let chains = ["input", "forward", "output"].map { name in
            Chain(name: name, base: BaseChain(hook: .prerouting, priority: .filter), rules: [])
        }
        let table = Table(family: .inet, name: "filter", chains: chains)
        #expect(!CompiledShape.hasCompiledNames(table))
        #expect(!CompiledShape.matches(table))
        // An empty table of spoofguard's name is no compiled table either (the compiler always emits its base chain).
        #expect(!CompiledShape.matches(Table(family: .inet, name: "spoofguard")))
    }

    @Test func compilerMarksEveryTable() throws {
        for json in Self.policies {
            #expect(Compiler.compile(try Self.decode(json)).tables.allSatisfy(TableOwnership.isMarked))
        }
    }

    @Test func commonToolNamesWarnAndOthersDoNot() throws {
        let filter = try Self.decode(#"{"version": 1, "table": "filter", "external": ["eth0"]}"#)
        #expect(CommonTableNames.warning(for: filter)?.path == "$.table")
        #expect(CommonTableNames.warning(for: try Self.decode(#"{"version": 1, "external": ["eth0"]}"#)) == nil)
    }
}
