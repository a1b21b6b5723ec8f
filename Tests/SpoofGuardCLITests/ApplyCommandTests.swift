import Foundation
import Testing
import SpoofGuardTestSupport

/// `apply` and `diff` as a provisioning script runs them: the built binary, a policy file,
/// a private namespace.
@Suite(.serialized, .kernel)
struct ApplyCommandTests {
    typealias K = KernelCommandTests

    static let policy = """
    {
      "version": 1,
      "external": ["eth0", "wan*", "ppp*"],
      "guard": { "source": ["loopback", "loopback-mapped"], "destination": ["loopback"] },
      "action": { "verdict": "drop", "counter": true, "log": { "prefix": "spoofguard: ", "rate": "10/minute" } }
    }
    """

    static func writePolicy(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "spoofguard-cli-\(getpid())-\(UUID().uuidString).json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func applyIsIdempotentAndDiffSeesDrift() throws {
        let ns = try K.Namespace()
        let path = try Self.writePolicy(Self.policy)
        defer { try? FileManager.default.removeItem(atPath: path) }

        let first = try ns.spoofguard("apply", path, "--json")
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("\"changed\": true"))
        let listed = try ns.nft("list", "ruleset").output
        let second = try ns.spoofguard("apply", path, "--json")
        #expect(second.status == 0)
        #expect(second.output.contains("\"changed\": false"))
        #expect(try ns.nft("list", "ruleset").output == listed)

        let same = try ns.spoofguard("diff", path)
        #expect(same.status == 0)
        #expect(same.output.contains("the kernel matches the policy"))

        // The compiled sets are constant (the kernel refuses element changes), so drift comes as a rule.
        #expect(try ns.nft("add", "rule", "inet", "spoofguard", "prerouting", "iifname", "\"eth9\"", "accept").status == 0)
        let drift = try ns.spoofguard("diff", path)
        #expect(drift.status == 1)
        #expect(drift.output.contains("+ table inet spoofguard chain prerouting rule: iifname \"eth9\" accept"))

        let restored = try ns.spoofguard("apply", path)
        #expect(restored.status == 0)
        #expect(try ns.spoofguard("diff", path).status == 0)
        #expect(try ns.spoofguard("remove").status == 0)
        let gone = try ns.spoofguard("diff", path)
        #expect(gone.status == 1)
        #expect(gone.output.contains("- table inet spoofguard (not loaded)"))
    }

    @Test func checkCommitsNothing() throws {
        let ns = try K.Namespace()
        let path = try Self.writePolicy(Self.policy)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let checked = try ns.spoofguard("apply", path, "--check")
        #expect(checked.status == 0, "\(checked.error)")
        #expect(checked.output.contains("nothing was committed"))
        #expect(try ns.nft("list", "ruleset").output == "")
    }

    @Test func applyWithoutCapNetAdminExits77AndChangesNothing() throws {
        let ns = try K.Namespace()
        let path = try Self.writePolicy(Self.policy)
        defer { try? FileManager.default.removeItem(atPath: path) }
        chmod(path, 0o644)
        let outcome = try K.execute(["ip", "netns", "exec", ns.name, "setpriv", "--reuid=nobody", "--regid=nogroup",
                                     "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", K.binary, "apply", path])
        #expect(outcome.status == 77, "\(outcome.error)")
        #expect(outcome.error.contains("CAP_NET_ADMIN"))
        #expect(try ns.nft("list", "ruleset").output == "")
    }
}

@Suite(.serialized, .kernel)
struct ApplyCommandScaleTests {
    typealias K = KernelCommandTests

    /// The whole chain at scale: a policy naming 100,000 IPv4 and 10,000 IPv6 prefixes is
    /// decoded, compiled, applied in one transaction, read back equal, and listed by nft.
    @Test func hundredThousandGuardedPrefixes() throws {
        let ns = try K.Namespace()
        let path = try ApplyCommandTests.writePolicy(ApplyCommandBenchmark.policy(prefixes: 100_000))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let applied = try ns.spoofguard("apply", path, "--json")
        #expect(applied.status == 0, "\(applied.error)")
        #expect(applied.output.contains("\"changed\": true"))
        #expect(try ns.spoofguard("diff", path).status == 0)
        let listing = try ns.nft("list", "set", "inet", "spoofguard", "source_ipv4").output
        #expect(listing.components(separatedBy: "/24").count - 1 == 100_000)
        #expect(listing.contains("11.0.0.0/24") && listing.contains("127.0.0.0/8"))
        let v6 = try ns.nft("list", "set", "inet", "spoofguard", "source_ipv6").output
        #expect(v6.components(separatedBy: "/64").count - 1 == 10_000)
    }
}
