import SpoofGuard
@testable import SpoofGuardNetlink
import Testing
import SpoofGuardTestSupport

/// apply skips the quadratic element dump where the sets' stored digests and the generation
/// prove the elements, and dumps them wherever only the dump can tell (Docs/hardening.md).
@Suite(.serialized, .kernel)
struct ElementDigestApplyTests {
    /// `Examples.prerouting` with other IPv4 prefixes: the same table apart from set elements.
    static var otherPrefixes: Ruleset {
        var ruleset = Examples.prerouting
        ruleset.tables[0].sets[1].elements = .ipv4(Examples.v4(["10.0.0.0/8", "127.0.0.0/8", "192.0.2.0/24"]))
        return ruleset
    }

    @Test func freshApplyIsProvenWithoutAnElementDump() throws {
        let ns = try TestNamespace()
        let kernel = try ns.kernel()
        #expect(try kernel.apply(Examples.prerouting).changed)
        #expect(kernel.elementReads == 0)
        #expect(try ns.kernel().read(tablesNamed: ["spoofguard"]).kernelComparable == Examples.prerouting.kernelComparable)
    }

    @Test func unchangedIsClaimedOnlyFromAnElementDump() throws {
        let ns = try TestNamespace()
        try ns.kernel().apply(Examples.prerouting)
        let kernel = try ns.kernel()
        #expect(try !kernel.apply(Examples.prerouting).changed)
        #expect(kernel.elementReads == 1)
    }

    @Test func changedElementsAreReplacedWithoutAnyElementDump() throws {
        let ns = try TestNamespace()
        try ns.kernel().apply(Examples.prerouting)
        let kernel = try ns.kernel()
        #expect(try kernel.apply(Self.otherPrefixes).changed)
        #expect(kernel.elementReads == 0)
        #expect(try ns.kernel().read(tablesNamed: ["spoofguard"]).kernelComparable == Self.otherPrefixes.kernelComparable)
        #expect(try !ns.kernel().apply(Self.otherPrefixes).changed)
    }

    /// The digest still matches the policy, but the elements were changed by hand: a digest
    /// describes what the set held when it was created, so "unchanged" must come from the dump.
    @Test func elementsEditedBehindAMatchingDigestAreRestored() throws {
        let ns = try TestNamespace()
        try ns.kernel().apply(Examples.prerouting)
        try ns.nft("add", "element", "inet", "spoofguard", "source_ipv4", "{ 10.0.0.0/8 }")
        #expect(try ns.kernel().apply(Examples.prerouting).changed)
        #expect(try ns.kernel().read(tablesNamed: ["spoofguard"]).kernelComparable == Examples.prerouting.kernelComparable)
    }

    /// A constant set bound to a rule refuses element changes, but `nft replace rule` can unbind
    /// it, change it and bind it again with every handle as before.
    @Test func constantSetEditedThroughRuleReplacementIsRestored() throws {
        var constant = Examples.prerouting
        for index in constant.tables[0].sets.indices { constant.tables[0].sets[index].flags.insert(.constant) }
        let ns = try TestNamespace()
        try ns.kernel().apply(constant)
        #expect(throws: CommandFailed.self) {
            try ns.nft("add", "element", "inet", "spoofguard", "source_ipv4", "{ 10.0.0.0/8 }")
        }
        let handle = try #require(try ns.kernel().read(tablesNamed: ["spoofguard"]).tables[0].chains[0].rules[0].handle)
        let rule = "iifname @external_interfaces ip saddr @source_ipv4 counter drop comment \"guard.source ipv4\""
        try ns.nft("replace", "rule", "inet", "spoofguard", "prerouting", "handle", String(handle), "ip saddr 192.0.2.1 drop")
        try ns.nft("add", "element", "inet", "spoofguard", "source_ipv4", "{ 10.0.0.0/8 }")
        try ns.nft("replace", "rule", "inet", "spoofguard", "prerouting", "handle", String(handle), rule)
        #expect(try ns.kernel().read(tablesNamed: ["spoofguard"]).tables[0].chains[0].rules[0].handle == handle)
        #expect(try ns.kernel().apply(constant).changed)
        #expect(try ns.kernel().read(tablesNamed: ["spoofguard"]).kernelComparable == constant.kernelComparable)
    }

    /// nft re-creating the table from a listing drops spoofguard's digest: the dump decides.
    @Test func tableWithoutDigestsIsJudgedByItsElements() throws {
        let ns = try TestNamespace()
        try ns.nft("-f", "-", input: Examples.preroutingText)
        let kernel = try ns.kernel()
        #expect(try !kernel.apply(Examples.prerouting).changed)
        #expect(kernel.elementReads == 1)
        #expect(try kernel.apply(Self.otherPrefixes).changed)
        #expect(try ns.kernel().read(tablesNamed: ["spoofguard"]).kernelComparable == Self.otherPrefixes.kernelComparable)
    }
}
