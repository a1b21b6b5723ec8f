import Foundation
import SpoofGuardLab
import SpoofGuardSystem

/// `spoofguard dry-run --summary` (every packet classified per rule) against `tcpdump -r`
/// with a BPF filter for loopback sources (a yes/no per packet) over the same capture; beside
/// it the per-packet listings, text and `--json`, against their wall-time targets (issue 16)
/// and their peak RSS against the capture they map (≤ 1.2×: the listing streams).
enum DryRunBenchmark {
    /// Listing targets for 1M packets, scaled linearly for other sizes.
    static let listingTargets: [(name: String, flags: [String], secondsPerMillion: Double)] = [
        ("`dry-run` (text listing)", [], 0.3),
        ("`dry-run --json`", ["--json"], 0.5),
    ]
    static let memoryTarget = 1.2

    static func run(_ context: BenchContext) throws -> Table {
        let packets = context.quick ? 10_000 : 1_000_000
        var table = Table(title: "dry-run vs BPF (\(Format.count(packets)) packets, ~1 % loopback-sourced, 70 % IPv4)",
                          header: ["packets", "command", "wall", "CPU (user + sys)", "`tcpdump -r` (BPF)", "ratio", "output", "peak RSS (× capture)", "target", "met"])
        let capture = context.path("mixed.pcap")
        let captureBytes = PcapWriter.mixedCapture(packets: packets)
        try Data(captureBytes).write(to: URL(fileURLWithPath: capture))
        let policy = context.packageRoot.appendingPathComponent("Examples/router.json").path
        let dryRun = [context.spoofguard, "dry-run", policy, "--packets", capture, "--iif", "wan0"]
        let theirs = ["tcpdump", "-r", capture, "-w", "/dev/null", "src net 127.0.0.0/8 or ip6 src host ::1"]
        if (try? Measure.run(["tcpdump", "--version"]))?.status != 0 {
            table.notes.append("Skipped: tcpdump is not installed.")
            return table
        }
        let commands = [("`dry-run --summary`", ["--summary"])] + listingTargets.map { ($0.name, $0.flags) }
        // Every command and tcpdump in turn, each round in a different order, so that the
        // load of a shared machine falls on all of them alike.
        var walls = Array(repeating: [Double](), count: commands.count), cpus = walls, bpf: [Double] = []
        var peaks = Array(repeating: 0, count: commands.count), outputs = Array(repeating: 0, count: commands.count)
        var summary = ""
        for round in 0..<context.rounds {
            var steps: [() throws -> Void] = [{ bpf.append(try Measure.succeed(theirs).seconds) }]
            for (index, command) in commands.enumerated() {
                steps.append {
                    let run = try ChildProcess.run(dryRun + command.1, measuringPeakMemory: true)
                    guard run.status == 0 else {
                        throw BenchmarkFailure("`\((dryRun + command.1).joined(separator: " "))` exited \(run.status): \(run.standardError.prefix(400))")
                    }
                    walls[index].append(run.seconds)
                    cpus[index].append(run.userSeconds + run.systemSeconds)
                    peaks[index] = max(peaks[index], run.maximumResidentKilobytes)
                    outputs[index] = run.standardOutput.utf8.count
                    if index == 0 { summary = run.standardOutput }
                }
            }
            let shift = round % steps.count
            for step in steps[shift...] + steps[..<shift] { try step() }
        }
        let tcpdump = Measure.median(bpf)
        let captureKilobytes = Double(captureBytes.count) / 1024
        for (index, command) in commands.enumerated() {
            let wall = Measure.median(walls[index])
            let memory = Double(peaks[index]) / captureKilobytes
            let (target, met): (String, Bool)
            if index == 0 {
                (target, met) = ("≤ 0.50× BPF", wall / tcpdump <= 0.5)
            } else {
                let seconds = listingTargets[index - 1].secondsPerMillion * Double(packets) / 1e6
                (target, met) = ("≤ \(Format.seconds(seconds)), RSS ≤ \(Format.ratio(memoryTarget))",
                                 wall <= seconds && memory <= memoryTarget)
            }
            table.rows.append([Format.count(packets), command.0, Format.seconds(wall), Format.seconds(Measure.median(cpus[index])), Format.seconds(tcpdump),
                               Format.ratio(wall / tcpdump), String(format: "%.1f MB", Double(outputs[index]) / 1e6),
                               String(format: "%.0f MB (%.2f×)", Double(peaks[index]) / 1024, memory), target, Format.met(met)])
        }
        table.notes.append("Capture \(String(format: "%.1f MB", Double(captureBytes.count) / 1e6)), policy Examples/router.json, "
                           + "`--iif wan0`; standard output to a file, peak RSS and CPU by GNU time (%M; its child's rusage). Targets are on wall time; the CPU column shows what a loaded machine adds. Listing targets scale "
                           + "linearly with the packet count (0.3 s and 0.5 s per million).")
        table.notes.append("spoofguard's summary:\n\n```\n\(summary.trimmingCharacters(in: .whitespacesAndNewlines))\n```")
        return table
    }
}
