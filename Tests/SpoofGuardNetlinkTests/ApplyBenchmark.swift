import Foundation
import SpoofGuard
import SpoofGuardNetlink
import SpoofGuardTestSupport
import Testing

/// Apply wall time against `nft -f` of the same ruleset text, side by side, in fresh private
/// namespaces. Prints figures only (no timed assertions); run with SPOOFGUARD_BENCHMARK=1,
/// preferably in a release build.
@Suite(.serialized, .enabled(if: isRoot && ProcessInfo.processInfo.environment["SPOOFGUARD_BENCHMARK"] != nil,
                             "set SPOOFGUARD_BENCHMARK=1 (as root) to run the benchmark"))
struct ApplyBenchmark {
    static func nftText(_ ruleset: Ruleset) -> String {
        let table = ruleset.tables[0]
        func elements(_ name: String) -> String {
            LoadedGuard.describe(table.set(named: name)!.elements).joined(separator: ",\n")
        }
        return Examples.preroutingText
            .replacingOccurrences(of: "elements = { 127.0.0.0/8 }", with: "elements = { \(elements("source_ipv4")) }")
            .replacingOccurrences(of: "elements = { ::1, ::127.0.0.0/104, ::ffff:127.0.0.0/104, 2002:7f00::/24 }",
                                  with: "elements = { \(elements("source_ipv6")) }")
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    /// Three rounds per size, each in two fresh namespaces, alternating which goes first; medians.
    @Test func applyVersusNft() throws {
        var lines = ["| prefixes | spoofguard apply | nft -f | ratio | full read with elements | nft list | unchanged re-apply |",
                     "|---:|---:|---:|---:|---:|---:|---:|"]
        for count in [1_000, 10_000, 100_000] {
            let ruleset = ScaleTests.ruleset(prefixes: count)
            let file = "/tmp/spoofguard-library-bench-\(getpid())-\(count).nft"
            try Self.nftText(ruleset).write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            var apply: [Double] = [], nft: [Double] = [], readBack: [Double] = [], list: [Double] = [], again: [Double] = []
            for round in 0..<3 {
                let ours = try TestNamespace()
                let theirs = try TestNamespace()
                let measureOurs = { apply.append(try Self.seconds { _ = try ours.kernel().apply(ruleset) }) }
                let measureNft = { nft.append(try Self.seconds { try theirs.nft("-f", file) }) }
                if round % 2 == 0 { try measureOurs(); try measureNft() } else { try measureNft(); try measureOurs() }
                var unchanged = false
                again.append(try Self.seconds { unchanged = try !ours.kernel().apply(ruleset).changed })
                #expect(unchanged)
                // A whole read, elements included (what status, diff and an unchanged re-apply
                // need); apply's own read-back after its commit skips the element dump.
                readBack.append(try Self.seconds { _ = try ours.kernel().read(tablesNamed: ["spoofguard"]) })
                list.append(try Self.seconds { try theirs.nft("list", "ruleset") })
                // Same kernel state both ways.
                let (mine, nfts) = (try ours.nft("list", "ruleset"), try theirs.nft("list", "ruleset"))
                #expect(mine == nfts, "\(Array(mine.split(separator: "\n").filter { !nfts.contains($0) }.prefix(5)))")
            }
            let (a, n) = (Self.median(apply), Self.median(nft))
            lines.append(String(format: "| %d | %.3f s | %.3f s | %.2f× | %.3f s | %.3f s | %.1f ms |", count + count / 10, a, n, a / n,
                                Self.median(readBack), Self.median(list), Self.median(again) * 1000))
        }
        print(lines.joined(separator: "\n"))
    }
}
