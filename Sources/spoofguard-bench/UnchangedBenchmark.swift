import Foundation

/// Issue 16: an unchanged re-apply, `status` and `diff` of a 100,007-prefix policy, each
/// ≤ 50 ms when nothing was committed since spoofguard's own last commit or read — the element
/// record proves the set elements and (its policy proof) the policy without decoding it,
/// `status` no longer lists them — beside the same operation
/// reading every set element from the kernel (no record; `status --elements`), the quadratic
/// dump they used to pay.
enum UnchangedBenchmark {
    static let targetSeconds = 0.050

    static func run(_ context: BenchContext) throws -> Table {
        let size = context.quick ? 1_000 : 100_000
        var table = Table(title: "unchanged: apply, status and diff with nothing committed since (private namespace)",
                          header: ["guarded prefixes", "operation", "wall", "CPU (user + sys)", "with every element read", "target", "met"])
        guard context.isRoot else {
            table.notes.append("Skipped: creating network namespaces needs root.")
            return table
        }
        let policy = context.path("unchanged-\(size).json")
        try Inputs.write(Inputs.policy(extraPrefixes: size), to: policy)
        let runtime = context.path("runtime-unchanged")
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try context.withNamespace { namespace in
            let common = ["--netns", namespace, "--runtime-dir", runtime]
            try Measure.succeed([context.spoofguard, "apply", policy] + common)
            // The figures are worth something only if the record was used, for the elements and
            // for the policy (not decoded, not compiled): ask once.
            for arguments in [["apply", policy, "--json"], ["diff", policy, "--json"]] {
                let run = try Measure.succeed([context.spoofguard] + arguments + common)
                for key in ["elements_proven_by", "policy_proven_by"] where !run.standardOutput.contains("\"\(key)\": \"record\"") {
                    throw BenchmarkFailure("`spoofguard \(arguments.joined(separator: " "))` did not use the element record (\(key)): \(run.standardOutput.prefix(400))")
                }
            }
            var fresh = 0
            /// A runtime directory of its own, empty: no record to use.
            func withoutRecord() throws -> [String] {
                fresh += 1
                let path = context.path("runtime-empty-\(fresh)")
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                return ["--netns", namespace, "--runtime-dir", path]
            }
            let operations: [(name: String, fast: () throws -> [String], full: () throws -> [String])] = [
                ("`apply`, unchanged", { ["apply", policy] + common }, { ["apply", policy] + (try withoutRecord()) }),
                ("`status` (`--elements` beside)", { ["status", "--netns", namespace] }, { ["status", "--elements", "--netns", namespace] }),
                ("`diff`, equal", { ["diff", policy] + common }, { ["diff", policy] + (try withoutRecord()) }),
            ]
            for operation in operations {
                var fast: [Double] = [], cpu: [Double] = [], full: [Double] = []
                for round in 0..<context.rounds {
                    try context.alternate(round, {
                        let run = try Measure.succeed([context.spoofguard] + (try operation.fast()))
                        fast.append(run.seconds)
                        cpu.append(run.userSeconds + run.systemSeconds)
                    }, {
                        full.append(try Measure.succeed([context.spoofguard] + (try operation.full())).seconds)
                    })
                }
                let wall = Measure.median(fast)
                table.rows.append([Format.count(size + 7), operation.name, Format.seconds(wall), Format.seconds(Measure.median(cpu)),
                                   Format.seconds(Measure.median(full)),
                                   "≤ \(Format.seconds(targetSeconds))", wall <= targetSeconds ? "met" : "MISSED"])
            }
        }
        table.notes.append("Whole processes, `--netns`. \"with every element read\": the same command with an empty runtime directory "
                           + "(no element record; apply and diff dump every set), and `status --elements`. Before the measured runs "
                           + "the bench checked that apply and diff report `\"elements_proven_by\": \"record\"` and "
                           + "`\"policy_proven_by\": \"record\"` (the policy's SHA-256 and this build's id found in the record: "
                           + "not decoded, not compiled). The target is on wall time; the CPU column shows what a loaded machine adds. "
                           + "What apply and diff spend beyond `status` is reading and hashing the policy's bytes.")
        return table
    }
}
