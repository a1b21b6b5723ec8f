import Foundation
import Testing
import SpoofGuardTestSupport

/// Examples/provision-router.sh run as CI runs it: into a scratch root, against a private
/// namespace, without systemctl.
@Suite(.serialized, .kernel)
struct ProvisionScriptTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("sg-provision-\(UUID().uuidString)")

    func provision(_ ns: KernelCommandTests.Namespace, policy: String) throws -> KernelCommandTests.Outcome {
        let script = BuiltBinary.packageRoot.appendingPathComponent("Examples/provision-router.sh").path
        return try KernelCommandTests.execute([
            "PREFIX=\(root.path)/usr", "SPOOFGUARD_POLICY_DIR=\(root.path)/etc/spoofguard",
            "SYSTEMD_UNIT_DIR=\(root.path)/etc/systemd/system", "SPOOFGUARD_SKIP_SYSTEMCTL=1",
            "SPOOFGUARD_NETNS=\(ns.name)", "bash", script, KernelCommandTests.binary, policy,
        ])
    }

    func example(_ name: String) -> String { BuiltBinary.packageRoot.appendingPathComponent("Examples/\(name)").path }

    @Test func installsLoadsAndASecondRunChangesNothing() throws {
        let ns = try KernelCommandTests.Namespace()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try provision(ns, policy: example("router.json"))
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("changed: loaded the policy into the kernel (netns \(ns.name))"))
        #expect(first.output.contains("changed: installed \(root.path)/usr/bin/spoofguard"))
        #expect(first.output.contains("systemctl skipped (SPOOFGUARD_SKIP_SYSTEMCTL=1)"))
        let unit = try String(contentsOfFile: root.path + "/etc/systemd/system/spoofguard.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=\(root.path)/usr/bin/spoofguard apply \(root.path)/etc/spoofguard/policy.json"))
        #expect(FileManager.default.contentsEqual(atPath: root.path + "/etc/spoofguard/policy.json", andPath: example("router.json")))
        let loaded = try ns.nft("list", "ruleset").output
        #expect(loaded.contains("table inet spoofguard"))

        let second = try provision(ns, policy: example("router.json"))
        #expect(second.status == 0, "\(second.error)")
        #expect(second.output.contains("unchanged: binary, policy, unit and loaded rules already up to date"))
        #expect(!second.output.contains("provision-router: changed:"))
        #expect(try ns.nft("list", "ruleset").output == loaded)
    }

    @Test func anInvalidPolicyFailsLoudlyAndKeepsTheOldRulesAndPolicy() throws {
        let ns = try KernelCommandTests.Namespace()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try provision(ns, policy: example("router.json")).status == 0)
        let loaded = try ns.nft("list", "ruleset").output
        let invalid = root.appendingPathComponent("invalid.json")
        try Data(#"{"version": 1, "guard": {"source": ["not-a-prefix"]}}"#.utf8).write(to: invalid)
        let failed = try provision(ns, policy: invalid.path)
        #expect(failed.status != 0)
        #expect(failed.error.contains("provision-router: FAILED"))
        #expect(try ns.nft("list", "ruleset").output == loaded)
        #expect(FileManager.default.contentsEqual(atPath: root.path + "/etc/spoofguard/policy.json", andPath: example("router.json")))
    }
}
