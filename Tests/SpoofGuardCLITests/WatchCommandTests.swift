import Foundation
import Glibc
import Testing
import SpoofGuardTestSupport

/// `spoofguard watch` in a private namespace: after every link or table event the kernel holds
/// the compiled policy again (`diff` exits 0) and spoofed frames are dropped; SIGTERM ends it
/// with status 0 and leaves the table.
@Suite(.serialized, .kernel)
struct WatchCommandTests {
    static let script = BuiltBinary.packageRoot.appendingPathComponent("Tests/Scripts/send-loopback-spoof.py").path

    /// Lines the agent logged that report an apply ("re-applied" or "unchanged").
    static func actions(_ log: URL) -> [String] {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init).filter { $0.contains("re-applied") || $0.contains("unchanged") }
    }

    /// Waits (at most 3 s) until the agent logged more than `count` actions; returns the new ones.
    static func awaitAction(after count: Int, in log: URL) throws -> [String] {
        for _ in 0..<300 {
            let lines = actions(log)
            if lines.count > count { return Array(lines[count...]) }
            usleep(10_000)
        }
        Issue.record("no action logged after \(count): \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        return []
    }

    /// Packets counted by every guard rule, read back by `status --json` (the ingress chain is
    /// bound to a prefix, which nft 1.0.6 cannot list).
    static func counted(_ ns: KernelCommandTests.Namespace) throws -> Int {
        let status = try ns.spoofguard("status", "--json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any])
        let tables = object["tables"] as? [[String: Any]] ?? []
        return tables.flatMap { $0["chains"] as? [[String: Any]] ?? [] }
            .flatMap { $0["rules"] as? [[String: Any]] ?? [] }
            .compactMap { ($0["packets"] as? NSNumber)?.intValue }.reduce(0, +)
    }

    @Test func followsLinksAndTableEditsAndStopsCleanly() throws {
        let binary = try #require(BuiltBinary.path, "\(BuiltBinary.MissingBinary())")
        let ns = try KernelCommandTests.Namespace()
        try ns.inside("ip", "link", "add", "wan0", "type", "veth", "peer", "name", "p-wan0")
        try ns.inside("ip", "link", "set", "wan0", "up")
        try ns.inside("ip", "link", "set", "p-wan0", "up")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sg-watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let policy = scratch.appendingPathComponent("policy.json")
        try Data(#"{"version": 1, "external": ["wan*"], "hooks": ["prerouting", "ingress"]}"#.utf8).write(to: policy)
        let log = scratch.appendingPathComponent("watch.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)

        let agent = try BackgroundProcess([binary, "watch", policy.path, "--netns", ns.name], standardError: log.path)
        #expect(try Self.awaitAction(after: 0, in: log).first?.contains("(start)") == true)

        let events: [(String, [String])] = [
            ("link wan1 appeared", ["ip", "link", "add", "wan1", "type", "veth", "peer", "name", "p-wan1"]),
            ("link wan1 renamed to wan2", ["ip", "link", "set", "wan1", "name", "wan2"]),
            ("table inet spoofguard deleted", ["nft", "delete", "table", "inet", "spoofguard"]),
            ("table inet spoofguard edited", ["nft", "flush", "table", "inet", "spoofguard"]),
            ("link wan2 disappeared", ["ip", "link", "del", "wan2"]),
        ]
        for (expected, command) in events {
            let before = Self.actions(log).count
            let outcome = try KernelCommandTests.execute(["ip", "netns", "exec", ns.name] + command)
            try #require(outcome.status == 0, "\(command): \(outcome.error)")
            let logged = try Self.awaitAction(after: before, in: log)
            #expect(logged.contains { $0.contains(expected) }, "\(expected): \(logged)")
            #expect(try ns.spoofguard("diff", policy.path).status == 0, "after \(expected)")
            let counted = try Self.counted(ns)
            try ns.inside("/usr/bin/python3", Self.script, "p-wan0", "2")
            #expect(try Self.counted(ns) == counted + 2, "spoofed frames after \(expected)")
        }
        // Its own applies never triggered another: one action per event, plus the start.
        #expect(Self.actions(log).count == events.count + 1, "\(Self.actions(log))")

        agent.kill(SIGTERM)
        #expect(try agent.wait() == 0)
        #expect(try ns.nft("list", "table", "inet", "spoofguard").status == 0, "SIGTERM leaves the table")
    }
}
