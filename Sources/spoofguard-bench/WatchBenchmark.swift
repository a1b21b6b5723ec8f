import Foundation
import SpoofGuardSystem

/// `spoofguard watch` in a private namespace: from an event to the re-applied table (target
/// ≤ 100 ms), and how many applies a burst of link events costs (coalesced, bounded).
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
            let log = context.path("watch-\(name).log")
            FileManager.default.createFile(atPath: log, contents: nil)
            let agent = try Spawn.start([context.spoofguard, "watch", policy, "--netns", name], standardInput: .inherited,
                                        standardOutput: .inherited, standardError: .file(log))
            defer { kill(agent, SIGTERM); _ = try? Spawn.wait(agent) }
            _ = try awaitActions(after: 0, log: log)
            let rounds = max(context.rounds, 5)
            for (label, command) in [
                ("link wanN created → applied", { (round: Int) in ["ip", "-n", name, "link", "add", "wan\(round)", "type", "veth", "peer", "name", "wp\(round)"] }),
                ("table deleted by nft → re-applied", { (_: Int) in ["ip", "netns", "exec", name, "nft", "delete", "table", "inet", "spoofguard"] }),
            ] {
                var times: [Double] = []
                for round in 0..<rounds {
                    let before = actions(log).count
                    let start = Date()
                    try Measure.succeed(command(round))
                    _ = try awaitActions(after: before, log: log)
                    times.append(Date().timeIntervalSince(start))
                }
                let median = Measure.median(times), worst = times.max() ?? 0
                table.rows.append([label, Format.seconds(median), Format.seconds(worst), "≤ \(Format.seconds(budget))",
                                   median <= budget ? "met" : "MISSED"])
            }
            let pairs = context.quick ? 10 : 500
            let batch = context.path("watch-burst.batch")
            try Inputs.write((1...pairs).map { "link add wanb\($0) type veth peer name wanc\($0)\n" }.joined(), to: batch)
            let before = actions(log).count
            try Measure.succeed(["ip", "-n", name, "-batch", batch])
            // Quiet for 500 ms: the burst has been served.
            var count = before
            var quiet = 0
            while quiet < 50 {
                usleep(10_000)
                let now = actions(log).count
                quiet = now == count ? quiet + 1 : 0
                count = now
            }
            table.rows.append(["burst: \(Format.count(2 * pairs)) guarded links created at once", "\(count - before) applies", "",
                               "bounded (≪ \(Format.count(2 * pairs)))", count - before <= 20 ? "met" : "MISSED"])
        }
        table.notes.append("Time from starting the command that causes the event (ip/nft process start included) to the "
                           + "agent's log line for the finished apply (read back included); events within 10 ms share one apply.")
        return table
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
