import Foundation
import Testing
import SpoofGuardTestSupport

/// Issue 19, finding 1: a policy named like another tool's table must not replace or delete
/// that table. Each test loads the foreign table with `nft -f` in a private namespace and holds
/// `nft list ruleset` byte-identical through every refused command.
@Suite(.serialized, .kernel)
struct ForeignTableTests {
    typealias K = KernelCommandTests

    /// Debian's /etc/nftables.conf grown the way administrators grow it: chains, a set, a map.
    static let debianFilter = """
    table inet filter {
    	set admins { type ipv4_addr; elements = { 192.0.2.10, 192.0.2.11 } }
    	map port_verdicts { type inet_service : verdict; elements = { 22 : accept, 23 : drop } }
    	chain input { type filter hook input priority filter; policy accept;
    		ip saddr @admins tcp dport 22 accept
    		tcp dport vmap @port_verdicts
    	}
    	chain forward { type filter hook forward priority filter; policy drop; }
    	chain output { type filter hook output priority filter; policy accept; }
    }

    """

    static func policyFile(_ json: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sg-foreign-\(UUID().uuidString).json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let filterPolicy = #"{"version": 1, "table": "filter", "external": ["eth0"]}"#

    @Test func foreignInetFilterSurvivesApplyCheckAndRemove() throws {
        let ns = try K.Namespace()
        #expect(try ns.nft("-f", "-", input: Self.debianFilter).status == 0)
        let before = try ns.nft("list", "ruleset").output
        let policy = try Self.policyFile(Self.filterPolicy)
        defer { try? FileManager.default.removeItem(atPath: policy) }

        for command in [["apply", policy], ["apply", policy, "--check"], ["apply", policy, "--json"], ["remove", "--table", "filter"]] {
            let outcome = try K.execute([K.binary] + command + ["--netns", ns.name])
            #expect(outcome.status == 69, "\(command): \(outcome.output) \(outcome.error)")
            #expect(outcome.error.contains("table inet filter exists but was not created by spoofguard"), "\(outcome.error)")
            #expect(outcome.error.contains("--adopt"))
            #expect(try ns.nft("list", "ruleset").output == before, "\(command) changed the ruleset")
        }
    }

    @Test func foreignTableInAnotherManagedFamilyIsNotDeletedAsStale() throws {
        let ns = try K.Namespace()
        #expect(try ns.nft("-f", "-", input: "table netdev filter {\n\tchain c {\n\t}\n}\n").status == 0)
        let before = try ns.nft("list", "ruleset").output
        let policy = try Self.policyFile(Self.filterPolicy)
        defer { try? FileManager.default.removeItem(atPath: policy) }
        let outcome = try ns.spoofguard("apply", policy)
        #expect(outcome.status == 69)
        #expect(outcome.error.contains("table netdev filter exists"), "\(outcome.error)")
        #expect(try ns.nft("list", "ruleset").output == before)
    }

    @Test func adoptTakesOverOnceAndMarksTheTable() throws {
        let ns = try K.Namespace()
        #expect(try ns.nft("-f", "-", input: Self.debianFilter).status == 0)
        let policy = try Self.policyFile(Self.filterPolicy)
        defer { try? FileManager.default.removeItem(atPath: policy) }
        let adopted = try ns.spoofguard("apply", policy, "--adopt")
        #expect(adopted.status == 0, "\(adopted.error)")
        #expect(adopted.output.contains("took over table inet filter"))
        let listing = try ns.nft("list", "table", "inet", "filter").output
        #expect(listing.contains("comment \"managed by spoofguard\""))
        #expect(!listing.contains("port_verdicts"))
        // Marked now: no --adopt needed any more, and nothing to take over.
        let again = try ns.spoofguard("apply", policy)
        #expect(again.status == 0)
        #expect(again.output.hasPrefix("unchanged"))
        #expect(try ns.spoofguard("remove", "--table", "filter").status == 0)
        #expect(try ns.nft("list", "ruleset").output == "")
    }

    /// A table loaded from what an earlier spoofguard rendered (no mark) is spoofguard's.
    @Test func tableOfAnEarlierVersionIsRecognisedByItsShape() throws {
        let ns = try K.Namespace()
        let policy = try Self.policyFile(#"{"version": 1, "external": ["eth0", "wan*"], "hooks": ["prerouting", "bridge"]}"#)
        defer { try? FileManager.default.removeItem(atPath: policy) }
        let compiled = try K.execute([K.binary, "compile", policy])
        #expect(compiled.status == 0)
        let unmarked = compiled.output.replacingOccurrences(of: "\tcomment \"managed by spoofguard\"\n", with: "")
        #expect(unmarked != compiled.output)
        #expect(try ns.nft("-f", "-", input: unmarked).status == 0)
        let status = try ns.spoofguard("status")
        #expect(status.status == 0)
        #expect(status.output.contains("no ownership mark"), "\(status.output)")

        let applied = try ns.spoofguard("apply", policy)
        #expect(applied.status == 0, "\(applied.error)")
        #expect(applied.output.contains("took over table inet spoofguard"))
        #expect(applied.output.contains("earlier spoofguard"))
        #expect(try ns.nft("list", "table", "bridge", "spoofguard").output.contains("managed by spoofguard"))

        #expect(try ns.nft("-f", "-", input: unmarked).status == 0)
        let removed = try ns.spoofguard("remove")
        #expect(removed.status == 0, "\(removed.error)")
        #expect(removed.output.contains("earlier spoofguard"))
        #expect(try ns.nft("list", "ruleset").output == "")

        // One rule more than spoofguard writes: no longer its shape, so refused.
        #expect(try ns.nft("-f", "-", input: unmarked).status == 0)
        #expect(try ns.nft("add", "rule", "inet", "spoofguard", "prerouting", "tcp", "dport", "22", "accept").status == 0)
        let edited = try ns.nft("list", "ruleset").output
        #expect(try ns.spoofguard("remove").status == 69)
        #expect(try ns.nft("list", "ruleset").output == edited)
    }
}
