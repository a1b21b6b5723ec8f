import SpoofGuard
@testable import SpoofGuardNetlink
import Testing
import SpoofGuardTestSupport

/// The element record in the kernel layer: while the generation is the recorded one, apply and
/// diff prove the set elements without dumping them; any commit by anyone moves the generation
/// and the sets are dumped again; no record that disagrees with the kernel or the policy can
/// make a changed table "unchanged". Each test in its own namespace.
@Suite(.serialized, .kernel)
struct ElementRecordKernelTests {
    static var otherPrefixes: Ruleset { ElementDigestApplyTests.otherPrefixes }

    /// The record of a fresh apply, as the command line keeps it.
    static func applied(_ ns: TestNamespace, _ ruleset: Ruleset = Examples.prerouting) throws -> ElementRecord {
        let report = try ns.kernel().apply(ruleset)
        #expect(report.changed && report.elementsProvenBy == .commit)
        return try #require(report.record)
    }

    @Test func theRecordProvesUnchangedWithoutAnyElementDump() throws {
        let ns = try TestNamespace()
        let record = try Self.applied(ns)
        let kernel = try ns.kernel()
        #expect(record.generation == (try kernel.generation()))
        let again = try kernel.apply(Examples.prerouting, record: record)
        #expect(!again.changed && again.elementsProvenBy == .record && again.record == record)
        #expect(kernel.elementReads == 0)
        // diff's read: every set filled in from the policy, none dumped.
        let read = try kernel.read(tablesNamed: ["spoofguard"], expecting: Examples.prerouting, record: record)
        #expect(read.elementsProvenBy == .record && read.record == record)
        #expect(read.ruleset.kernelComparable == Examples.prerouting.kernelComparable)
        #expect(kernel.elementReads == 0)
        // Without a record: the dump, which yields the same record.
        let dumped = try kernel.read(tablesNamed: ["spoofguard"], expecting: Examples.prerouting, record: nil)
        #expect(dumped.elementsProvenBy == .dump && dumped.record == record)
        #expect(kernel.elementReads == 1)
        let unchanged = try kernel.apply(Examples.prerouting)
        #expect(!unchanged.changed && unchanged.elementsProvenBy == .dump && unchanged.record == record)
    }

    /// Hand edits commit, so the generation moves: the record no longer proves anything and the
    /// edit is found and undone.
    @Test(arguments: ["add element", "delete element", "replace rule"])
    func handEditsAreNoticed(edit: String) throws {
        let ns = try TestNamespace()
        let record = try Self.applied(ns)
        switch edit {
        case "add element": try ns.nft("add", "element", "inet", "spoofguard", "source_ipv4", "{ 10.0.0.0/8 }")
        case "delete element": try ns.nft("delete", "element", "inet", "spoofguard", "source_ipv6", "{ ::1 }")
        default:
            let handle = try #require(try ns.kernel().read(tablesNamed: ["spoofguard"]).tables[0].chains[0].rules[0].handle)
            try ns.nft("replace", "rule", "inet", "spoofguard", "prerouting", "handle", String(handle),
                       "iifname @external_interfaces ip saddr @source_ipv4 counter accept comment \"guard.source ipv4\"")
        }
        let kernel = try ns.kernel()
        #expect(try kernel.generation() != record.generation)
        let diff = try kernel.read(tablesNamed: ["spoofguard"], expecting: Examples.prerouting, record: record)
        #expect(!RulesetDiff(expected: Examples.prerouting, loaded: diff.ruleset).isEmpty)
        let report = try kernel.apply(Examples.prerouting, record: record)
        #expect(report.changed)
        #expect(try ns.kernel().read(tablesNamed: ["spoofguard"]).kernelComparable == Examples.prerouting.kernelComparable)
    }

    /// A record that names the kernel's generation now but other digests than the policy's (or
    /// none for some set) proves nothing: the elements are dumped and the edit is found.
    @Test func aRecordOfTheRightGenerationWithOtherDigestsIsNotBelieved() throws {
        let ns = try TestNamespace()
        let record = try Self.applied(ns)
        try ns.nft("add", "element", "inet", "spoofguard", "source_ipv4", "{ 10.0.0.0/8 }")
        let generation = try ns.kernel().generation()
        let other = try EncodedSets(Self.otherPrefixes).digests
        var missingOne = record.digests
        missingOne.removeValue(forKey: SetPath(family: .inet, table: "spoofguard", set: "source_ipv4"))
        var garbled = record.digests
        garbled[SetPath(family: .inet, table: "spoofguard", set: "source_ipv4")] = Array(repeating: 0, count: ElementDigest.storedLength)
        for digests in [other, missingOne, garbled, [:]] {
            let forged = ElementRecord(generation: generation, digests: digests)
            let kernel = try ns.kernel()
            let diff = try kernel.read(tablesNamed: ["spoofguard"], expecting: Examples.prerouting, record: forged)
            #expect(diff.elementsProvenBy == .dump)
            #expect(RulesetDiff(expected: Examples.prerouting, loaded: diff.ruleset).lines.contains { $0.contains("10.0.0.0/8") })
            #expect(kernel.elementReads == 1)
        }
        let report = try ns.kernel().apply(Examples.prerouting, record: ElementRecord(generation: generation, digests: other))
        #expect(report.changed)
    }

    /// The policy's digests under an old generation (the record before someone's commit) prove
    /// nothing either.
    @Test func aRecordOfAnotherGenerationIsNotBelieved() throws {
        let ns = try TestNamespace()
        let record = try Self.applied(ns)
        try ns.nft("add", "element", "inet", "spoofguard", "source_ipv4", "{ 10.0.0.0/8 }")
        for generation in [record.generation, record.generation &- 1, record.generation &+ 5, 0, .max] {
            let forged = ElementRecord(generation: generation, digests: record.digests)
            let kernel = try ns.kernel()
            #expect(try kernel.read(tablesNamed: ["spoofguard"], expecting: Examples.prerouting, record: forged).elementsProvenBy == .dump)
        }
        #expect(try ns.kernel().apply(Examples.prerouting, record: record).changed)
    }

    /// The record stands only for set elements: everything else is read and compared every
    /// time, so a record of this very generation cannot hide a different chain, rule or set
    /// definition from apply (here: a policy that differs from the table in a rule).
    @Test func theRecordNeverStandsForRulesOrSetDefinitions() throws {
        let ns = try TestNamespace()
        let record = try Self.applied(ns)
        var otherRule = Examples.prerouting
        otherRule.tables[0].chains[0].rules[0].statements[3] = .verdict(.accept)
        let report = try ns.kernel().apply(otherRule, record: record)
        #expect(report.changed && report.elementsProvenBy == .commit)
        var otherFlags = Examples.prerouting
        otherFlags.tables[0].sets[1].flags.insert(.constant)
        let next = try #require(report.record)
        #expect(try ns.kernel().apply(otherFlags, record: next).changed)
    }

    /// A record of one policy applied, asked about another with other elements: the digests
    /// differ, so the other policy is applied.
    @Test func aRecordOfAnotherPolicyMakesApplyReplace() throws {
        let ns = try TestNamespace()
        let record = try Self.applied(ns)
        let report = try ns.kernel().apply(Self.otherPrefixes, record: record)
        #expect(report.changed)
        #expect(try ns.kernel().read(tablesNamed: ["spoofguard"]).kernelComparable == Self.otherPrefixes.kernelComparable)
    }

    @Test func theNamespaceCookieIsThisNamespacesOwn() throws {
        let first = try TestNamespace(), second = try TestNamespace()
        let cookie = try #require(try first.kernel().namespaceCookie())
        #expect(try first.kernel().namespaceCookie() == cookie)
        #expect(try second.kernel().namespaceCookie() != cookie)
        #expect(try NetfilterKernel().namespaceCookie() != cookie)
    }
}
