import Foundation
import SpoofGuard

/// `spoofguard verify` of every shipped example and of a 100 k-prefix policy, as a process,
/// and the proof alone (`Verifier.verify`) in-process.
enum VerifyBenchmark {
    /// `spoofguard verify` of any policy, as a process.
    static let targetSeconds = 0.1

    static func run(_ context: BenchContext) throws -> Table {
        var table = Table(title: "verify", header: ["policy", "`spoofguard verify` (process)", "proof alone (in-process)", "holds", "target", "met"])
        let examples = context.packageRoot.appendingPathComponent("Examples")
        var policies = try FileManager.default.contentsOfDirectory(atPath: examples.path)
            .filter { $0.hasSuffix(".json") }.sorted().map { ("Examples/\($0)", examples.appendingPathComponent($0).path) }
        let size = context.quick ? 100 : 100_000
        let generated = context.path("verify-\(size).json")
        try Inputs.write(Inputs.policy(extraPrefixes: size), to: generated)
        policies.append(("\(Format.count(size + 7)) guarded prefixes", generated))
        for (name, path) in policies {
            var process: [Double] = [], proof: [Double] = []
            var holds = false
            let policy = try Policy.load(from: path)
            let ruleset = Compiler.compile(policy)
            for _ in 0..<context.rounds {
                process.append(try Measure.succeed([context.spoofguard, "verify", path], allowing: [0, 1]).seconds)
                let verifier = try Verifier(ruleset: ruleset, policy: policy)
                proof.append(Measure.seconds { holds = verifier.verify().holds })
            }
            let wall = Measure.median(process)
            table.rows.append([name, Format.seconds(wall), Format.seconds(Measure.median(proof)), holds ? "yes" : "NO",
                               "≤ \(Format.seconds(Self.targetSeconds))", Format.met(wall <= Self.targetSeconds)])
        }
        table.notes.append("Target: ≤ 100 ms per policy (the process, wall time).")
        return table
    }
}
