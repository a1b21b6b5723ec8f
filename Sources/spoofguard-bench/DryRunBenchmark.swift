import Foundation

/// `spoofguard dry-run --summary` (every packet classified per rule) against `tcpdump -r`
/// with a BPF filter for loopback sources (a yes/no per packet) over the same capture.
enum DryRunBenchmark {
    static func run(_ context: BenchContext) throws -> Table {
        let packets = context.quick ? 10_000 : 1_000_000
        var table = Table(title: "dry-run vs BPF (\(Format.count(packets)) packets, ~1 % loopback-sourced, 70 % IPv4)",
                          header: ["packets", "`spoofguard dry-run --summary`", "`tcpdump -r` (BPF)", "ratio", "target"])
        let capture = context.path("mixed.pcap")
        try Data(PcapWriter.mixedCapture(packets: packets)).write(to: URL(fileURLWithPath: capture))
        let policy = context.packageRoot.appendingPathComponent("Examples/router.json").path
        let ours = [context.spoofguard, "dry-run", policy, "--packets", capture, "--iif", "wan0", "--summary"]
        let theirs = ["tcpdump", "-r", capture, "-w", "/dev/null", "src net 127.0.0.0/8 or ip6 src host ::1"]
        if (try? Measure.run(["tcpdump", "--version"]))?.status != 0 {
            table.notes.append("Skipped: tcpdump is not installed.")
            return table
        }
        var mine: [Double] = [], bpf: [Double] = []
        var summary = ""
        for round in 0..<context.rounds {
            try context.alternate(round, {
                let run = try Measure.succeed(ours)
                mine.append(run.seconds)
                summary = run.standardOutput
            }, { bpf.append(try Measure.succeed(theirs).seconds) })
        }
        let (a, b) = (Measure.median(mine), Measure.median(bpf))
        table.rows.append([Format.count(packets), Format.seconds(a), Format.seconds(b), Format.ratio(a / b), "≤ 0.50×"])
        table.notes.append("spoofguard's summary:\n\n```\n\(summary.trimmingCharacters(in: .whitespacesAndNewlines))\n```")
        return table
    }
}
