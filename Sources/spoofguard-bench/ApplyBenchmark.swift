import Foundation

/// `spoofguard apply --netns` against `ip netns exec … nft -f` of the ruleset text
/// `spoofguard compile` renders for the same policy, each in a fresh namespace per round;
/// then an unchanged re-apply in spoofguard's namespace.
enum ApplyBenchmark {
    static let targetSize = 100_000
    /// The apply at `targetSize` against the kernel's commit and against `nft -f`.
    static let commitRatio = 1.2
    static let nftRatio = 0.6

    static func run(_ context: BenchContext) throws -> Table {
        var table = Table(title: "apply vs nft (private namespaces)",
                          header: ["guarded prefixes", "`spoofguard apply`", "`nft -f`", "ratio", "unchanged re-apply", "`ip netns exec … true`",
                                   "kernel commit (`sendto`)", "apply ÷ commit", "target", "met"])
        guard context.isRoot else {
            table.notes.append("Skipped: creating network namespaces needs root.")
            return table
        }
        let sizes = context.quick ? [10, 100] : [1_000, 10_000, 100_000]
        let tracing = KernelCommitFloor.isAvailable
        for size in sizes {
            let policy = context.path("apply-\(size).json"), rendered = context.path("apply-\(size).nft")
            try Inputs.write(Inputs.policy(extraPrefixes: size), to: policy)
            try Measure.succeed([context.spoofguard, "compile", policy, "-o", rendered])
            var ours: [Double] = [], nft: [Double] = [], again: [Double] = [], wrapper: [Double] = [], commit: [Double] = []
            for round in 0..<context.rounds {
                try context.withNamespace { mine in
                    try context.withNamespace { theirs in
                        try context.alternate(round, {
                            ours.append(try Measure.succeed([context.spoofguard, "apply", policy, "--netns", mine]).seconds)
                        }, {
                            nft.append(try Measure.succeed(["ip", "netns", "exec", theirs, "nft", "-f", rendered]).seconds)
                        })
                        again.append(try Measure.succeed([context.spoofguard, "apply", policy, "--netns", mine]).seconds)
                        wrapper.append(try Measure.succeed(["ip", "netns", "exec", theirs, "true"]).seconds)
                    }
                }
                if tracing {
                    commit.append(try context.withNamespace { try KernelCommitFloor.measure(context, policy: policy, namespace: $0) })
                }
            }
            let (a, n, floor) = (Measure.median(ours), Measure.median(nft), Measure.median(commit))
            let target = size == Self.targetSize
                ? ["≤ \(Format.ratio(Self.commitRatio)) commit, ≤ \(Format.ratio(Self.nftRatio)) `nft -f`",
                   Format.met(a <= Self.commitRatio * floor && a <= Self.nftRatio * n)]
                : ["—", "—"]
            table.rows.append([Format.count(size + 7), Format.seconds(a), Format.seconds(n), Format.ratio(a / n),
                               Format.seconds(Measure.median(again)), Format.seconds(Measure.median(wrapper)),
                               tracing ? Format.seconds(floor) : "no strace", tracing ? Format.ratio(a / floor) : "—"] + target)
        }
        table.notes.append("Guarded prefixes: the policy's source and destination prefixes (7 from the loopback catalogs). "
                           + "Targets at 100 k: apply within 1.2× of the kernel's own commit (the longest `sendto` of an apply under "
                           + "`strace -T`, in a namespace of its own: the batch, which returns once nf_tables has committed it) "
                           + "and ≤ 0.6× `nft -f`; unchanged re-apply ≤ 50 ms. `nft -f` runs under `ip netns exec`, "
                           + "whose own cost is the `true` column.")
        return table
    }
}
