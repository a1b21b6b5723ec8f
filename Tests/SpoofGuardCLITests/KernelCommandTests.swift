import Foundation
import SpoofGuardLab
import SpoofGuardSystem
import Testing
import SpoofGuardTestSupport

/// The kernel commands run as a user would run them: the built binary, inside a private
/// namespace (`--netns` or `ip netns exec`), never the host's.
@Suite(.serialized, .kernel)
struct KernelCommandTests {
    typealias Outcome = TestProcess.Outcome
    typealias Namespace = TestNamespace

    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("spoofguard").path
    }

    /// Runs `arguments` through the tests' one process runner.
    @discardableResult
    static func execute(_ arguments: [String], input: String? = nil) throws -> Outcome {
        try TestProcess.run(arguments, input: input)
    }

    /// A table spoofguard owns (its mark) beside another tool's.
    static let guardText = """
    table inet spoofguard {
    	comment "managed by spoofguard"
    	set external_interfaces { type ifname; flags interval; elements = { "eth0", "ppp*", "wan*" } }
    	set source_ipv4 { type ipv4_addr; flags interval; elements = { 127.0.0.0/8 } }
    	chain prerouting { type filter hook prerouting priority raw; policy accept;
    		iifname @external_interfaces ip saddr @source_ipv4 counter drop comment "guard.source ipv4"
    	}
    }
    table inet filter {
    	chain input { type filter hook input priority filter; policy accept; tcp dport 22 accept; }
    }

    """

    @Test func absentTableIsReportedAndRemovingItSucceeds() throws {
        let ns = try Namespace()
        let status = try ns.spoofguard("status")
        #expect(status.status == 0)
        #expect(status.output.contains("table spoofguard: not loaded"))
        let removed = try ns.spoofguard("remove", "--json")
        #expect(removed.status == 0)
        #expect(removed.output.contains("\"removed\": []"), "\(removed.output)")
    }

    @Test func statusShowsCountersAndInterfaceCoverage() throws {
        let ns = try Namespace()
        #expect(try ns.nft("-f", "-", input: Self.guardText).status == 0)
        try Self.execute(["ip", "netns", "exec", ns.name, "ip", "link", "add", "wan0", "type", "veth", "peer", "name", "inside0"])
        let status = try ns.spoofguard("status", "--json")
        #expect(status.status == 0, "\(status.error)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any])
        #expect(json["present"] as? Bool == true)
        let interfaces = try #require(json["interfaces"] as? [[String: Any]])
        let guarded = interfaces.filter { $0["guarded"] as? Bool == true }.compactMap { $0["name"] as? String }
        #expect(guarded == ["wan0"])
        #expect(interfaces.first { $0["name"] as? String == "wan0" }?["guarded_by"] as? [String] == ["inet spoofguard"])
        #expect(json["kernel_features"] is [String: Any], "\(status.output)")
        let tables = try #require(json["tables"] as? [[String: Any]])
        #expect(tables.first?["guarded_interfaces"] as? [String] == ["eth0", "ppp*", "wan*"])
        // Address sets are named, not dumped, unless --elements.
        #expect(tables.first?["guarded_sources"] as? [String] == ["@source_ipv4"])
        let listed = try ns.spoofguard("status", "--json", "--elements")
        let listedJSON = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [String: Any])
        let listedTables = try #require(listedJSON["tables"] as? [[String: Any]])
        #expect(listedTables.first?["guarded_sources"] as? [String] == ["127.0.0.0/8"])
        let chains = try #require(tables.first?["chains"] as? [[String: Any]])
        let rules = try #require(chains.first?["rules"] as? [[String: Any]])
        #expect(rules.first?["comment"] as? String == "guard.source ipv4")
        #expect(rules.first?["packets"] as? Int == 0)
        #expect(tables.first?["marked"] as? Bool == true)
        let text = try ns.spoofguard("status")
        #expect(!text.output.contains("no ownership mark"))
        #expect(text.output.contains("interfaces guarded now: wan0"))
        #expect(text.output.contains("interfaces not guarded: inside0, lo"))
    }

    @Test func removeDeletesOnlySpoofguardsTable() throws {
        let ns = try Namespace()
        #expect(try ns.nft("-f", "-", input: Self.guardText).status == 0)
        let filterBefore = try ns.nft("list", "table", "inet", "filter").output
        let removed = try ns.spoofguard("remove")
        #expect(removed.status == 0)
        #expect(removed.output.contains("removed table spoofguard (inet)"))
        #expect(try ns.nft("list", "tables").output == "table inet filter\n")
        #expect(try ns.nft("list", "table", "inet", "filter").output == filterBefore)
    }

    @Test func withoutCapNetAdminExits77AndChangesNothing() throws {
        let ns = try Namespace()
        #expect(try ns.nft("-f", "-", input: Self.guardText).status == 0)
        let before = try ns.nft("list", "ruleset").output
        // ip netns exec enters the namespace as root; setpriv then drops to nobody without capabilities.
        let asNobody = ["ip", "netns", "exec", ns.name, "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                        "--inh-caps=-all", "--bounding-set=-all", Self.binary]
        let policy = BuiltBinary.packageRoot.appendingPathComponent("Examples/router.json").path
        // Its own runtime directory, which nobody may create where it can: the timer's kernel
        // read is what must fail, and exit 77 (it exited 71).
        let ownRuntime = "/tmp/sg-nobody-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: ownRuntime) }
        for command in [["remove"], ["status"], ["apply", policy], ["apply", policy, "--revert-after", "5"],
                        ["apply", policy, "--revert-after", "5", "--runtime-dir", ownRuntime]] {
            let outcome = try Self.execute(asNobody + command)
            #expect(outcome.status == 77, "\(command): \(outcome.error)")
            #expect(outcome.error.contains("CAP_NET_ADMIN"))
        }
        #expect(try ns.nft("list", "ruleset").output == before)
    }
}

extension TestNamespace {
    func nft(_ arguments: String..., input: String? = nil) throws -> KernelCommandTests.Outcome {
        try execute(["nft"] + arguments, input: input)
    }

    func spoofguard(_ arguments: String...) throws -> KernelCommandTests.Outcome {
        try KernelCommandTests.execute([KernelCommandTests.binary] + arguments + ["--netns", name])
    }
}
