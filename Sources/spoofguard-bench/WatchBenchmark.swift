import Foundation
import SpoofGuardSystem

/// `spoofguard watch` in a private namespace: from an event to the re-applied table (target
/// ≤ 100 ms), also where the agent binds the ingress chain itself (a kernel without netdev
/// features, simulated), and how many applies a burst of link events costs (coalesced, bounded).
enum WatchBenchmark {
    static let budget = 0.100

    static func run(_ context: BenchContext) throws -> Table {
        var table = Table(title: "watch agent (private namespace)", header: ["event", "median", "max", "target", "met"])
        guard context.isRoot else {
            table.notes.append("Skipped: creating network namespaces needs root.")
            return table
        }
        let policy = context.path("watch.json")
        try Inputs.write(#"{"version": 1, "external": ["wan*"], "hooks": ["prerouting", "ingress"]}"#, to: policy)
        try context.withNamespace { name in
            let agent = try Agent(context, policy: policy, namespace: name)
            defer { agent.stop() }
            for (label, command) in [
                ("link wanN created → applied", { (round: Int) in ["ip", "-n", name, "link", "add", "wan\(round)", "type", "veth", "peer", "name", "wp\(round)"] }),
                ("table deleted by nft → re-applied", { (_: Int) in ["ip", "netns", "exec", name, "nft", "delete", "table", "inet", "spoofguard"] }),
            ] {
                table.rows.append(try timeEvents(label, agent: agent, context: context, command: command))
            }
            let pairs = context.quick ? 10 : 500
            let batch = context.path("watch-burst.batch")
            try Inputs.write((1...pairs).map { "link add wanb\($0) type veth peer name wanc\($0)\n" }.joined(), to: batch)
            let before = actions(agent.log).count
            try Measure.succeed(["ip", "-n", name, "-batch", batch])
            // Quiet for 500 ms: the burst has been served.
            var count = before
            var quiet = 0
            while quiet < 50 {
                usleep(10_000)
                let now = actions(agent.log).count
                quiet = now == count ? quiet + 1 : 0
                count = now
            }
            table.rows.append(["burst: \(Format.count(2 * pairs)) guarded links created at once", "\(count - before) applies", "",
                               "bounded (≪ \(Format.count(2 * pairs)))", count - before <= 20 ? "met" : "MISSED"])
        }
        // A kernel without device prefixes or hooks on absent devices (simulated): each apply
        // binds the ingress chain to the wan links that exist, so a new one waits for the agent.
        try context.withNamespace { name in
            let agent = try Agent(context, policy: policy, namespace: name, arguments: ["--simulate-kernel-features", "none"])
            defer { agent.stop() }
            table.rows.append(try timeEvents("no netdev features (simulated): link wanN created → bound", agent: agent, context: context) { round in
                ["ip", "-n", name, "link", "add", "wan\(round)", "type", "veth", "peer", "name", "wp\(round)"]
            })
            table.rows.append(try timeEvents("no netdev features (simulated): link wanN deleted → unbound", agent: agent, context: context) { round in
                ["ip", "-n", name, "link", "del", "wan\(round)"]
            })
        }
        table.notes.append("Time from starting the command that causes the event (ip/nft process start included) to the "
                           + "agent's log line for the finished apply (read back included); events within 10 ms share one apply.")
        return table
    }

    /// `spoofguard watch` running in a namespace, its standard error in `log`.
    struct Agent {
        let pid: pid_t
        let log: String

        init(_ context: BenchContext, policy: String, namespace: String, arguments: [String] = []) throws {
            log = context.path("watch-\(namespace).log")
            FileManager.default.createFile(atPath: log, contents: nil)
            pid = try Spawn.start([context.spoofguard, "watch", policy, "--netns", namespace] + arguments,
                                  standardInput: .inherited, standardOutput: .inherited, standardError: .file(log))
            _ = try awaitActions(after: 0, log: log)
        }

        func stop() {
            kill(pid, SIGTERM)
            _ = try? Spawn.wait(pid)
        }
    }

    /// One row: from starting `command(round)` to the agent's log line for the apply it caused.
    static func timeEvents(_ label: String, agent: Agent, context: BenchContext, command: (Int) -> [String]) throws -> [String] {
        var times: [Double] = []
        for round in 0..<max(context.rounds, 5) {
            let before = actions(agent.log).count
            let start = Date()
            try Measure.succeed(command(round))
            _ = try awaitActions(after: before, log: agent.log)
            times.append(Date().timeIntervalSince(start))
        }
        let median = Measure.median(times), worst = times.max() ?? 0
        return [label, Format.seconds(median), Format.seconds(worst), "≤ \(Format.seconds(budget))", median <= budget ? "met" : "MISSED"]
    }

    static func actions(_ log: String) -> [Substring] {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { $0.contains("re-applied") || $0.contains("unchanged") }
    }

    static func awaitActions(after count: Int, log: String) throws -> Int {
        for _ in 0..<1000 {
            let now = actions(log).count
            if now > count { return now }
            usleep(1_000)
        }
        throw BenchmarkFailure("the watch agent logged no action: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }
}
