import Foundation

/// `spoofguard audit --netns` of a namespace with 1,000 veth pairs (2,000 links) under
/// Examples/router.json, against its 100 ms budget; and of a 100 k-prefix table, against
/// `spoofguard status --elements` (which reads the same table, elements included; plain `status`
/// names the address sets without dumping them) in the same namespace.
enum AuditBenchmark {
    static let budget = 0.100

    static func run(_ context: BenchContext) throws -> Table {
        var table = Table(title: "audit (private namespaces)",
                          header: ["namespace", "`spoofguard audit`", "its CPU (user + sys)", "`spoofguard status --elements` (the table read)", "target", "met"])
        guard context.isRoot else {
            table.notes.append("Skipped: creating network namespaces needs root.")
            return table
        }
        let pairs = context.quick ? 10 : 1_000
        let router = context.packageRoot.appendingPathComponent("Examples/router.json").path
        try context.withNamespace { name in
            let batch = context.path("audit-links.batch")
            try Inputs.write((1...pairs).map { "link add sga\($0) type veth peer name sgb\($0)\n" }.joined(), to: batch)
            try Measure.succeed(["ip", "-n", name, "-batch", batch])
            try Measure.succeed([context.spoofguard, "apply", router, "--netns", name])
            let (audit, cpu, status) = try measure(context, policy: router, namespace: name)
            table.rows.append(["\(Format.count(2 * pairs + 1)) links (\(Format.count(pairs)) veth pairs), Examples/router.json",
                               Format.seconds(audit), Format.seconds(cpu), Format.seconds(status), "≤ \(Format.seconds(budget)) wall",
                               audit <= budget ? "met" : "MISSED"])
        }
        let size = context.quick ? 100 : 100_000
        let policy = context.path("audit-\(size).json")
        try Inputs.write(Inputs.policy(extraPrefixes: size), to: policy)
        try context.withNamespace { name in
            try Measure.succeed([context.spoofguard, "apply", policy, "--netns", name])
            // Without POLICY the audit is the table read and the proof; with it, also decoding the
            // 100 k-entry policy and comparing (drift).
            for (label, given) in [("audit without POLICY", nil), ("audit POLICY", policy)] {
                let (audit, cpu, status) = try measure(context, policy: given, namespace: name)
                table.rows.append(["\(Format.count(size + 7)) guarded prefixes, \(label)", Format.seconds(audit), Format.seconds(cpu),
                                   Format.seconds(status), "≤ the table read", "\(audit <= status ? "met" : "MISSED") (\(Format.ratio(audit / status)))"])
            }
        }
        table.notes.append("Both are whole processes (read, prove, report); audit reads every link, route, sysctl and "
                           + "base chain of the namespace besides spoofguard's table. Wall time on a loaded machine is "
                           + "mostly waiting for a CPU: the CPU column is what the audit itself costs.")
        return table
    }

    /// Medians of `audit [POLICY]` (wall and CPU) and `status --elements` (wall), alternating which runs first.
    static func measure(_ context: BenchContext, policy: String?, namespace: String) throws -> (Double, Double, Double) {
        var audit: [Double] = [], cpu: [Double] = [], status: [Double] = []
        for round in 0..<context.rounds {
            try context.alternate(round, {
                let run = try Measure.succeed([context.spoofguard, "audit"] + (policy.map { [$0] } ?? []) + ["--netns", namespace],
                                              allowing: [0, 1])
                audit.append(run.seconds)
                cpu.append(run.userSeconds + run.systemSeconds)
            }, {
                status.append(try Measure.succeed([context.spoofguard, "status", "--elements", "--netns", namespace]).seconds)
            })
        }
        return (Measure.median(audit), Measure.median(cpu), Measure.median(status))
    }
}
