import Foundation

/// `spoofguard apply --netns` against `ip netns exec … nft -f` of the ruleset text
/// `spoofguard compile` renders for the same policy, each in a fresh namespace per round;
/// then an unchanged re-apply in spoofguard's namespace.
enum ApplyBenchmark {
    static func run(_ context: BenchContext) throws -> Table {
        var table = Table(title: "apply vs nft (private namespaces)",
                          header: ["guarded prefixes", "`spoofguard apply`", "`nft -f`", "ratio", "unchanged re-apply", "`ip netns exec … true`"])
        guard context.isRoot else {
            table.notes.append("Skipped: creating network namespaces needs root.")
            return table
        }
        let sizes = context.quick ? [10, 100] : [1_000, 10_000, 100_000]
        for size in sizes {
            let policy = context.path("apply-\(size).json"), rendered = context.path("apply-\(size).nft")
            try Inputs.write(Inputs.policy(extraPrefixes: size), to: policy)
            try Measure.succeed([context.spoofguard, "compile", policy, "-o", rendered])
            var ours: [Double] = [], nft: [Double] = [], again: [Double] = [], wrapper: [Double] = []
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
            }
            let (a, n) = (Measure.median(ours), Measure.median(nft))
            table.rows.append([Format.count(size + 7), Format.seconds(a), Format.seconds(n), Format.ratio(a / n),
                               Format.seconds(Measure.median(again)), Format.seconds(Measure.median(wrapper))])
        }
        table.notes.append("Guarded prefixes: the policy's source and destination prefixes (7 from the loopback catalogs). "
                           + "Targets: ratio ≤ 0.50×, unchanged re-apply ≤ 50 ms. `nft -f` runs under `ip netns exec`, "
                           + "whose own cost is the last column.")
        return table
    }
}
