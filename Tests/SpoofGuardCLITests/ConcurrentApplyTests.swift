import Foundation
import Testing
import SpoofGuardTestSupport

/// Two `spoofguard apply` processes started at the same moment with different policies, in a
/// private namespace: afterwards exactly one policy is loaded (never a mixture), its process
/// reported success, and the other either reported success earlier (and was then replaced) or
/// said truthfully that another process changed the ruleset.
@Suite(.serialized, .kernel)
struct ConcurrentApplyTests {
    /// A policy guarding loopback plus `count` /24s of 10.`second`.x.0 — large enough that the
    /// read, transaction and read-back of the two runs overlap.
    static func policy(second: Int, count: Int = 1500) -> String {
        let prefixes = (0..<count).map { "\"10.\(second + $0 / 256).\($0 % 256).0/24\"" }
        return #"{"version": 1, "external": ["eth0", "wan*"], "guard": {"source": ["loopback", "#
            + prefixes.joined(separator: ", ") + "]}}"
    }

    @Test func twoSimultaneousAppliesLeaveExactlyOnePolicyLoaded() throws {
        let ns = try KernelCommandTests.Namespace()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sg-concurrent-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = [directory.appendingPathComponent("a.json"), directory.appendingPathComponent("b.json")]
        try Self.policy(second: 0).write(to: files[0], atomically: true, encoding: .utf8)
        try Self.policy(second: 100).write(to: files[1], atomically: true, encoding: .utf8)
        // Another tool's table must survive every round untouched.
        #expect(try ns.nft("-f", "-", input: "table ip other {\n chain c { type filter hook input priority 0; }\n}\n").status == 0)

        var outcomes: [String: Int] = [:]
        for round in 0..<12 {
            // Start from A loaded, B loaded, or nothing, so both the replace and the
            // "unchanged" paths race.
            switch round % 3 {
            case 0: #expect(try ns.spoofguard("apply", files[0].path).status == 0)
            case 1: #expect(try ns.spoofguard("apply", files[1].path).status == 0)
            default: #expect(try ns.spoofguard("remove").status == 0)
            }
            let runs = try Self.simultaneously(files.map { [KernelCommandTests.binary, "apply", $0.path, "--netns", ns.name] })
            let equal = try files.map { try ns.spoofguard("diff", $0.path).status }
            // diff exits 0 for the loaded policy and 1 for the other: exactly one is loaded.
            #expect(equal.sorted() == [0, 1], "round \(round): diff exit codes \(equal); runs: \(runs)")
            guard let winner = equal.firstIndex(of: 0) else { continue }
            let loser = 1 - winner
            // The policy that is loaded was applied by a run that said so.
            #expect(runs[winner].status == 0, "round \(round): the loaded policy's run failed: \(runs[winner])")
            #expect(runs[winner].output.hasPrefix("applied") || runs[winner].output.hasPrefix("unchanged"))
            // The other run either succeeded before being replaced, or reports the concurrent change.
            if runs[loser].status != 0 {
                #expect(runs[loser].status == 69, "round \(round): \(runs[loser])")
                #expect(runs[loser].error.contains("another process changed the ruleset")
                        || runs[loser].error.contains("ERESTART"), "round \(round): \(runs[loser].error)")
            }
            outcomes["\(runs[0].status)/\(runs[1].status)", default: 0] += 1
        }
        print("concurrent apply outcomes (exit A/exit B: rounds): \(outcomes)")
        #expect(try ns.nft("list", "table", "ip", "other").status == 0)
    }

    /// Starts every command before waiting for any.
    static func simultaneously(_ commands: [[String]]) throws -> [KernelCommandTests.Outcome] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sg-c-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let running = try commands.indices.map { index in
            try BackgroundProcess(commands[index], standardOutput: "\(directory)/\(index).out", standardError: "\(directory)/\(index).err")
        }
        return try running.indices.map { index in
            KernelCommandTests.Outcome(status: try running[index].wait(),
                                       output: (try? String(contentsOfFile: "\(directory)/\(index).out", encoding: .utf8)) ?? "",
                                       error: (try? String(contentsOfFile: "\(directory)/\(index).err", encoding: .utf8)) ?? "")
        }
    }
}
