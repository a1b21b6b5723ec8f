import Foundation
import Glibc
import Testing
import SpoofGuardTestSupport

/// `spoofguard watch` on a kernel without device prefixes and without hooks on absent devices,
/// simulated with the test hook `--simulate-kernel-features none` (CI's kernel has both): each
/// apply binds the ingress chain to exactly the `wan*` links that exist, by exact name, follows
/// them as they are created, renamed and deleted, leaves the chain out while none exists, and
/// never guards `lan0`.
@Suite(.serialized, .kernel)
struct WatchWithoutKernelFeaturesTests {
    /// The devices of netdev spoofguard's ingress chain as `nft list ruleset` shows them
    /// (`device "wan0"` or `devices = { wan0, wan7 }`; nft 1.0.6's JSON leaves them out), nil
    /// without the chain.
    static func boundDevices(_ ns: KernelCommandTests.Namespace) throws -> [String]? {
        let listing = try ns.nft("list", "ruleset")
        try #require(listing.status == 0, "\(listing.error)")
        guard let hook = listing.output.split(separator: "\n").first(where: { $0.contains("type filter hook ingress") }) else { return nil }
        let text = String(hook)
        if let one = text.firstMatch(of: /device "([^"]+)"/) { return [String(one.1)] }
        guard let list = text.firstMatch(of: /devices = \{ ([^}]+) \}/) else { return [] }
        return list.1.split(separator: ", ").map(String.init)
    }

    @Test func bindsExactlyThePresentMatchingDevicesAndFollowsThem() throws {
        let binary = try #require(BuiltBinary.path, "\(BuiltBinary.MissingBinary())")
        let ns = try KernelCommandTests.Namespace()
        func veth(_ name: String) throws {
            try ns.inside("ip", "link", "add", name, "type", "veth", "peer", "name", "p-\(name)")
            try ns.inside("ip", "link", "set", name, "up")
            try ns.inside("ip", "link", "set", "p-\(name)", "up")
        }
        /// Spoofed frames sent out of `peer` (into its veth) that the guard counted.
        func dropped(_ count: Int, from peer: String) throws -> Int {
            let before = try WatchCommandTests.counted(ns)
            try ns.inside("/usr/bin/python3", WatchCommandTests.script, peer, String(count))
            return try WatchCommandTests.counted(ns) - before
        }
        try veth("wan0")
        try veth("lan0")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sg-watch-old-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let policy = scratch.appendingPathComponent("policy.json")
        try Data(#"{"version": 1, "external": ["wan*"], "hooks": ["ingress"]}"#.utf8).write(to: policy)
        let log = scratch.appendingPathComponent("watch.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)

        // `apply` on such a kernel refuses the prefix (the exact message is IngressDeviceTests').
        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: binary)
        agent.arguments = ["watch", policy.path, "--netns", ns.name, "--simulate-kernel-features", "none"]
        agent.standardError = try FileHandle(forWritingTo: log)
        try agent.run()
        defer { if agent.isRunning { kill(agent.processIdentifier, SIGKILL) } }
        let start = try WatchCommandTests.awaitAction(after: 0, in: log)
        #expect(start.first?.hasSuffix("; netdev spoofguard chain ingress on wan0 (for wan*)") == true, "\(start)")
        #expect(try Self.boundDevices(ns) == ["wan0"])
        #expect(try dropped(3, from: "p-wan0") == 3)
        #expect(try dropped(3, from: "p-lan0") == 0)

        // The event, its command, the devices bound afterwards (nil: the chain is left out), and
        // the peers of a veth that must be guarded and of one that must not. A link is renamed
        // while down (the kernel refuses otherwise); up/down alone is no event.
        let steps: [(event: String, command: [String], devices: [String]?, guarded: String?, unguarded: String)] = [
            ("link wan7 appeared", ["ip", "link", "add", "wan7", "type", "veth", "peer", "name", "p-wan7"], ["wan0", "wan7"], "p-wan7", "p-lan0"),
            ("link wan7 renamed to lan7", ["ip", "link", "set", "wan7", "name", "lan7"], ["wan0"], "p-wan0", "p-wan7"),
            ("link wan0 disappeared", ["ip", "link", "del", "wan0"], nil, nil, "p-wan7"),
            ("link wan0 appeared", ["ip", "link", "add", "wan0", "type", "veth", "peer", "name", "p-wan0"], ["wan0"], "p-wan0", "p-lan0"),
        ]
        for step in steps {
            if step.event.contains("renamed") { try ns.inside("ip", "link", "set", "wan7", "down") }
            let before = WatchCommandTests.actions(log).count
            let outcome = try KernelCommandTests.execute(["ip", "netns", "exec", ns.name] + step.command)
            try #require(outcome.status == 0, "\(step.command): \(outcome.error)")
            let logged = try WatchCommandTests.awaitAction(after: before, in: log)
            #expect(logged.contains { $0.contains(step.event) }, "\(step.event): \(logged)")
            #expect(try Self.boundDevices(ns) == step.devices, "after \(step.event)")
            if step.devices == nil {
                #expect(logged.contains { $0.hasSuffix("; netdev spoofguard chain ingress left out: no device matching wan* exists and this kernel cannot hook absent devices") },
                        "\(logged)")
            }
            // Every veth up, so that frames reach the hook (a new one starts down).
            for link in ["wan0", "p-wan0", "lan7", "wan7", "p-wan7"] {
                _ = try KernelCommandTests.execute(["ip", "netns", "exec", ns.name, "ip", "link", "set", link, "up"])
            }
            if let guarded = step.guarded { #expect(try dropped(2, from: guarded) == 2, "\(guarded) after \(step.event)") }
            #expect(try dropped(2, from: step.unguarded) == 0, "\(step.unguarded) after \(step.event)")
        }
        #expect(WatchCommandTests.actions(log).count == steps.count + 1, "\(WatchCommandTests.actions(log))")

        kill(agent.processIdentifier, SIGTERM)
        agent.waitUntilExit()
        #expect(agent.terminationReason == .exit && agent.terminationStatus == 0)
    }
}

extension KernelCommandTests.Namespace {
    /// Runs `command` inside the namespace (`ip netns exec`); a failure fails the test.
    func inside(_ command: String...) throws {
        let outcome = try KernelCommandTests.execute(["ip", "netns", "exec", name] + command)
        try #require(outcome.status == 0, "\(command): \(outcome.error)")
    }
}
