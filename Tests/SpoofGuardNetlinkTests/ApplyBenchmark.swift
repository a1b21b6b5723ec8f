import Foundation
import SpoofGuard
import SpoofGuardNetlink
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

    @Test func applyVersusNft() throws {
        var lines = ["| prefixes | spoofguard apply | nft -f | ratio | of which read-back | nft list | unchanged re-apply |",
                     "|---:|---:|---:|---:|---:|---:|---:|"]
        for count in [1_000, 10_000, 100_000] {
            let ruleset = ScaleTests.ruleset(prefixes: count)
            let text = Self.nftText(ruleset)
            let file = "/tmp/spoofguard-bench-\(getpid())-\(count).nft"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }

            let ours = try TestNamespace()
            let theirs = try TestNamespace()
            let oursTime = try Self.seconds { _ = try ours.kernel().apply(ruleset) }
            let nftTime = try Self.seconds { try theirs.nft("-f", file) }
            var unchanged = false
            let again = try Self.seconds { unchanged = try !ours.kernel().apply(ruleset).changed }
            #expect(unchanged)
            let readBack = try Self.seconds { _ = try ours.kernel().read(tablesNamed: ["spoofguard"]) }
            let nftList = try Self.seconds { try theirs.nft("list", "ruleset") }
            // Same kernel state both ways.
            #expect(try ours.nft("list", "ruleset") == theirs.nft("list", "ruleset"))
            let total = count + count / 10
            lines.append(String(format: "| %d | %.3f s | %.3f s | %.2f× | %.3f s | %.3f s | %.1f ms |", total, oursTime, nftTime,
                                oursTime / nftTime, readBack, nftList, again * 1000))
        }
        print(lines.joined(separator: "\n"))
    }
}
