import Foundation
import SpoofGuard
@testable import SpoofGuardNetlink
import Testing
import SpoofGuardTestSupport

/// Kernel tests: each runs in its own `ip netns` namespace, never the host's.
@Suite(.serialized, .kernel)
struct ApplyTests {
    func prepared() throws -> TestNamespace {
        let ns = try TestNamespace()
        try ns.exec("ip", "link", "add", "sgdummy0", "type", "veth", "peer", "name", "sgpeer0")
        return ns
    }

    @Test(arguments: Examples.all.map(\.name))
    func roundTripAndOracle(example: String) throws {
        let (_, ruleset, text) = Examples.all.first { $0.name == example }!
        let ours = try prepared()
        let report = try ours.kernel().apply(ruleset)
        #expect(report.changed)
        let readBack = try ours.kernel().read(tablesNamed: ["spoofguard"])
        #expect(readBack.kernelComparable == ruleset.kernelComparable)

        let oracle = try prepared()
        try oracle.nft("-f", "-", input: text)
        let expected = try oracle.nft("list", "ruleset")
        let actual = try ours.nft("list", "ruleset")
        #expect(actual == expected)
        // And what nft loaded reads back as the same IR.
        let fromNft = try oracle.kernel().read(tablesNamed: ["spoofguard"])
        #expect(fromNft.kernelComparable == ruleset.kernelComparable)
    }
}

@Suite(.serialized, .kernel)
struct ApplyContractTests {
    /// Tables of other tools, created with nft, that spoofguard must never touch.
    static let otherTools = """
    table inet filter {
    	chain input { type filter hook input priority filter; policy accept;
    		ct state established,related accept
    		tcp dport 22 accept
    	}
    }
    table ip nat {
    	chain POSTROUTING { type nat hook postrouting priority srcnat; policy accept;
    		ip saddr 172.17.0.0/16 oifname != "docker0" masquerade
    	}
    	chain DOCKER { }
    }

    """

    @Test func secondApplyIsUnchangedAndSendsNothing() throws {
        let ns = try TestNamespace()
        #expect(try ns.kernel().apply(Examples.prerouting).changed)
        let before = try ns.kernel().generation()
        let second = try ns.kernel().apply(Examples.prerouting)
        #expect(!second.changed)
        #expect(second.messages == 0)
        // No transaction was committed: the generation did not move.
        #expect(try ns.kernel().generation() == before)
    }

    @Test func changedPolicyReplacesTheTable() throws {
        let ns = try TestNamespace()
        try ns.kernel().apply(Examples.prerouting)
        let report = try ns.kernel().apply(Examples.internalWithLog)
        #expect(report.changed)
        #expect(try ns.kernel().read(tablesNamed: ["spoofguard"]).kernelComparable == Examples.internalWithLog.kernelComparable)
    }

    @Test func failedTransactionLeavesEverythingByteIdentical() throws {
        let ns = try TestNamespace()
        try ns.nft("-f", "-", input: Self.otherTools)
        try ns.kernel().apply(Examples.prerouting)
        let before = try ns.nft("list", "ruleset")
        var broken = Examples.internalWithLog
        broken.tables[0].chains[1].rules.append(Rule([.verdict(.jump("no_such_chain"))], comment: "action.broken"))
        do {
            try ns.kernel().apply(broken)
            Issue.record("a jump to a missing chain must fail")
        } catch let error as NetlinkError {
            #expect(error.errnoName == "ENOENT")
            #expect(error.policyEntry == "action.broken")
            #expect(error.operation.contains("rule 3 of chain log_and_drop"))
            // The kernel's extended ack points at the attribute; spoofguard names the expression.
            #expect(error.operation.hasSuffix("at expression 1 (immediate)"))
        }
        #expect(try ns.nft("list", "ruleset") == before)
    }

    @Test func checkValidatesWithoutCommitting() throws {
        let ns = try TestNamespace()
        try ns.kernel().apply(Examples.prerouting)
        let before = try ns.nft("list", "ruleset")
        let report = try ns.kernel().apply(Examples.internalWithLog, check: true)
        #expect(report.checked && !report.changed && report.messages > 0)
        #expect(try ns.nft("list", "ruleset") == before)
        var broken = Examples.internalWithLog
        broken.tables[0].chains[0].rules[0].statements[3] = .verdict(.goto("missing"))
        #expect(throws: NetlinkError.self) { try ns.kernel().apply(broken, check: true) }
        #expect(try ns.nft("list", "ruleset") == before)
    }

    @Test func otherToolsTablesSurviveApplyReapplyAndRemove() throws {
        let ns = try TestNamespace()
        try ns.nft("-f", "-", input: Self.otherTools)
        let others = try ns.nft("list", "ruleset")
        func otherTables() throws -> String {
            try ns.nft("list", "table", "inet", "filter") + ns.nft("list", "table", "ip", "nat")
        }
        let baseline = try otherTables()
        try ns.kernel().apply(Examples.prerouting)
        #expect(try otherTables() == baseline)
        try ns.kernel().apply(Examples.internalWithLog)
        #expect(try otherTables() == baseline)
        try ns.kernel().apply(Examples.internalWithLog)
        #expect(try otherTables() == baseline)
        #expect(try ns.kernel().remove(tableNamed: "spoofguard").families == [.inet])
        #expect(try ns.nft("list", "ruleset") == others)
        // Removing an absent table is success and changes nothing.
        #expect(try ns.kernel().remove(tableNamed: "spoofguard").families == [])
        #expect(try ns.nft("list", "ruleset") == others)
    }

    @Test func droppingAFamilyDeletesItsStaleTable() throws {
        let ns = try TestNamespace()
        try ns.exec("ip", "link", "add", "sgdummy0", "type", "veth", "peer", "name", "sgpeer0")
        try ns.kernel().apply(Examples.ingressAndBridge)
        var netdevOnly = Examples.ingressAndBridge
        netdevOnly.tables.removeLast()
        #expect(try ns.kernel().apply(netdevOnly).changed)
        let loaded = try ns.kernel().read(tablesNamed: ["spoofguard"])
        #expect(loaded.tables.map(\.family) == [.netdev])
    }

    @Test func countersAreReadBack() throws {
        let ns = try TestNamespace()
        try ns.kernel().apply(Examples.prerouting)
        try ns.exec("ip", "link", "set", "lo", "up")
        // A rule that counts local packets: UDP over lo passes prerouting.
        try ns.nft("add", "rule", "inet", "spoofguard", "prerouting", "iifname", "lo", "counter")
        try ns.exec("bash", "-c", "echo one > /dev/udp/127.0.0.1/9; echo two > /dev/udp/127.0.0.1/9")
        let table = try ns.kernel().read(tablesNamed: ["spoofguard"]).tables[0]
        let counter = table.chains[0].rules.last?.counter
        #expect((counter?.packets ?? 0) >= 2)
        #expect(table.chains[0].rules.allSatisfy { $0.handle != nil })
    }
}

@Suite(.serialized, .kernel)
struct LostRepliesTests {
    /// When replies overflow the receive buffer the outcome is unknown; apply must read back
    /// and say what is loaded rather than guess.
    @Test func enobufsReadsBackAndReportsWhatIsLoaded() throws {
        let ns = try TestNamespace()
        try ns.kernel().apply(Examples.prerouting)
        let before = try ns.nft("list", "ruleset")
        var broken = Examples.prerouting
        broken.tables[0].chains[0].rules += (0..<5000).map { Rule([.verdict(.jump("missing_\($0)"))], comment: "broken \($0)") }
        let kernel = try ns.kernel()
        kernel.receiveBufferOverride = 4096
        do {
            try kernel.apply(broken)
            Issue.record("5000 failing rules must overflow a 4 KiB receive buffer")
        } catch let ApplyError.outcomeUnknown(cause, loadedMatches) {
            #expect(cause.errnoName == "ENOBUFS")
            #expect(loadedMatches == false)
        }
        #expect(try ns.nft("list", "ruleset") == before)
    }
}

@Suite(.serialized, .kernel)
struct ConcurrencyTests {
    /// A transaction built against a generation that has since moved is refused (ERESTART):
    /// a change made by someone else between spoofguard's read and its write is never lost.
    @Test func staleGenerationIsRefused() throws {
        let ns = try TestNamespace()
        let kernel = try ns.kernel()
        let generation = try kernel.generation()
        try ns.nft("add", "table", "inet", "someone_else")
        let transaction = try Transaction.replace(with: Examples.prerouting, deleting: [], generation: generation,
                                                  commit: true, socket: kernel.socket)
        do {
            try transaction.run(on: kernel.socket)
            Issue.record("a stale generation must be refused")
        } catch {
            #expect(error.errnoName == "ERESTART")
        }
        #expect(try ns.nft("list", "tables") == "table inet someone_else\n")
    }

    @Test func countersSurviveAReplace() throws {
        let ns = try TestNamespace()
        try ns.exec("ip", "link", "set", "lo", "up")
        var ruleset = Examples.prerouting
        ruleset.tables[0].chains[0].rules.append(Rule([.match(Match(.inputInterfaceName, .interface(.loopback))), .counter(Counter())], comment: "count lo"))
        try ns.kernel().apply(ruleset)
        try ns.exec("bash", "-c", "echo one > /dev/udp/127.0.0.1/9")
        let before = try ns.kernel().read(tablesNamed: ["spoofguard"]).tables[0].chains[0].rules[2].counter
        #expect((before?.packets ?? 0) >= 1)
        ruleset.tables[0].sets[0].elements = .interfaces([try InterfacePattern(parsing: "eth9")])
        #expect(try ns.kernel().apply(ruleset).changed)
        let after = try ns.kernel().read(tablesNamed: ["spoofguard"]).tables[0].chains[0].rules[2].counter
        #expect(after == before)
    }
}

@Suite(.serialized, .kernel)
struct OwnershipTests {
    /// `ip spoofguard` is not a family spoofguard writes: it is someone else's and stays.
    @Test func sameNameInAnotherFamilyIsLeftAlone() throws {
        let ns = try TestNamespace()
        try ns.nft("-f", "-", input: "table ip spoofguard { chain c { ip saddr 10.0.0.0/8 tcp dport 22 accept; }; }\n")
        let theirs = try ns.nft("list", "table", "ip", "spoofguard")
        try ns.kernel().apply(Examples.prerouting)
        #expect(try ns.kernel().remove(tableNamed: "spoofguard").families == [.inet])
        #expect(try ns.nft("list", "ruleset") == theirs)
    }
}

@Suite(.serialized, .kernel)
struct SetMetadataTests {
    /// Set flags and user data (key byte order, comment) byte for byte as nft stores them, plus spoofguard's digest.
    @Test(arguments: Examples.all.map(\.name))
    func setsCarryTheSameUserDataAsNfts(example: String) throws {
        let (_, ruleset, text) = Examples.all.first { $0.name == example }!
        let ours = try TestNamespace()
        let theirs = try TestNamespace()
        for ns in [ours, theirs] { try ns.exec("ip", "link", "add", "sgdummy0", "type", "veth", "peer", "name", "sgpeer0") }
        try ours.kernel().apply(ruleset)
        try theirs.nft("-f", "-", input: text)
        for table in ruleset.tables {
            let mine = try KernelReader(socket: ours.kernel().socket).setMetadata(family: table.family, table: table.name)
            let nfts = try KernelReader(socket: theirs.kernel().socket).setMetadata(family: table.family, table: table.name)
            #expect(mine.keys.sorted() == nfts.keys.sorted())
            for (name, value) in nfts {
                #expect(mine[name]?.flags == value.flags, "\(name) flags")
                // spoofguard adds one record of its own (its element digest) after nft's.
                #expect(mine[name].map { UserData.withoutElementDigest($0.userData) } == value.userData, "\(name) user data")
                #expect(mine[name].flatMap { UserData.setElementDigest(in: $0.userData) }?.count == ElementDigest.storedLength)
            }
        }
    }
}

@Suite(.serialized, .kernel)
struct HandEditedTableTests {
    /// A rule added by hand that spoofguard cannot read does not block apply or remove:
    /// the table is spoofguard's, and apply restores the policy.
    @Test func applyRestoresAndRemoveDeletesAHandEditedTable() throws {
        let ns = try TestNamespace()
        try ns.kernel().apply(Examples.prerouting)
        try ns.nft("add", "rule", "inet", "spoofguard", "prerouting", "tcp", "dport", "22", "accept")
        #expect(throws: DelinearizeError.self) { try ns.kernel().read(tablesNamed: ["spoofguard"]) }
        #expect(try ns.kernel().apply(Examples.prerouting).changed)
        #expect(try ns.kernel().read(tablesNamed: ["spoofguard"]).kernelComparable == Examples.prerouting.kernelComparable)
        try ns.nft("add", "rule", "inet", "spoofguard", "prerouting", "tcp", "dport", "22", "accept")
        #expect(try ns.kernel().remove(tableNamed: "spoofguard").families == [.inet])
        #expect(try ns.nft("list", "ruleset") == "")
    }
}
