import Foundation
import SpoofGuard

/// Policy decoding, compiling and rendering in-process, and `spoofguard compile` as a process.
enum CompileBenchmark {
    /// `spoofguard compile` of a 100,007-prefix policy, as a process.
    static let targetSeconds = 0.3

    static func run(_ context: BenchContext) throws -> Table {
        var table = Table(title: "compile",
                          header: ["guarded prefixes", "decode policy", "compile", "render nft text", "`spoofguard compile` (process)", "µs per prefix (process)",
                                   "target", "met"])
        let sizes = context.quick ? [10, 100] : [1_000, 10_000, 100_000]
        for size in sizes {
            let policyPath = context.path("compile-\(size).json")
            try Inputs.write(Inputs.policy(extraPrefixes: size), to: policyPath)
            var decode: [Double] = [], compile: [Double] = [], render: [Double] = [], process: [Double] = []
            for _ in 0..<context.rounds {
                var policy: Policy?
                decode.append(try Measure.seconds { policy = try Policy.load(from: policyPath) })
                var ruleset: Ruleset?
                compile.append(Measure.seconds { ruleset = Compiler.compile(policy!) })
                var text = ""
                render.append(Measure.seconds { text = NftTextRenderer.loadFile(ruleset!) })
                guard !text.isEmpty else { throw BenchmarkFailure("empty rendering for \(policyPath)") }
                process.append(try Measure.succeed([context.spoofguard, "compile", policyPath, "-o", "/dev/null"]).seconds)
            }
            let total = Measure.median(process)
            table.rows.append([Format.count(size + 7), Format.seconds(Measure.median(decode)), Format.seconds(Measure.median(compile)),
                               Format.seconds(Measure.median(render)), Format.seconds(total),
                               String(format: "%.2f", total * 1e6 / Double(size + 7))]
                              + (size == 100_000 ? ["≤ \(Format.seconds(Self.targetSeconds))", Format.met(total <= Self.targetSeconds)] : ["—", "—"]))
        }
        table.notes.append("Target: linear, ≤ 0.3 s at 100 k prefixes (the process, wall time).")
        return table
    }
}
