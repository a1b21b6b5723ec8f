import Foundation
import SpoofGuardTestSupport
import Testing

/// `spoofguard apply POLICY` against `nft -f` of the same ruleset, both as processes, in fresh
/// private namespaces; the nft text is nft's own listing of what spoofguard loaded. Prints a
/// table (no timed assertions); run as root with SPOOFGUARD_BENCHMARK=1, in a release build.
@Suite(.serialized, .enabled(if: getuid() == 0 && ProcessInfo.processInfo.environment["SPOOFGUARD_BENCHMARK"] != nil,
                             "set SPOOFGUARD_BENCHMARK=1 (as root) to run the benchmark"))
struct ApplyCommandBenchmark {
    typealias K = KernelCommandTests

    /// `count` non-adjacent IPv4 /24s and count/10 IPv6 /64s as literal guard prefixes.
    static func policy(prefixes count: Int) -> String {
        var prefixes: [String] = []
        for index in 0..<count {
            let network = 0x0b00_0000 + index * 512
            prefixes.append("\"\(network >> 24).\((network >> 16) & 255).\((network >> 8) & 255).0/24\"")
        }
        for index in 0..<count / 10 {
            prefixes.append("\"2001:db8:\(String(index >> 15, radix: 16)):\(String((index & 0x7fff) << 1, radix: 16))::/64\"")
        }
        return """
        { "version": 1, "external": ["eth0", "wan*", "ppp*"],
          "guard": { "source": ["loopback", "loopback-mapped", \(prefixes.joined(separator: ", "))], "destination": ["loopback"] } }
        """
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    @Test func applyCommandVersusNft() throws {
        var lines = ["| guarded prefixes | `spoofguard apply` | `nft -f` | ratio | unchanged re-apply |", "|---:|---:|---:|---:|---:|"]
        for count in [1_000, 10_000, 100_000] {
            let policyPath = NSTemporaryDirectory() + "spoofguard-bench-\(getpid())-\(count).json"
            let nftPath = NSTemporaryDirectory() + "spoofguard-bench-\(getpid())-\(count).nft"
            try Self.policy(prefixes: count).write(toFile: policyPath, atomically: true, encoding: .utf8)
            defer {
                try? FileManager.default.removeItem(atPath: policyPath)
                try? FileManager.default.removeItem(atPath: nftPath)
            }
            let source = try K.Namespace()
            #expect(try source.spoofguard("apply", policyPath).status == 0)
            try source.nft("list", "ruleset").output.write(toFile: nftPath, atomically: true, encoding: .utf8)

            var ours: [Double] = [], nft: [Double] = [], again: [Double] = []
            for round in 0..<3 {
                let mine = try K.Namespace()
                let theirs = try K.Namespace()
                var status: Int32 = -1
                let runOurs = { ours.append(Self.seconds { status = (try? mine.spoofguard("apply", policyPath).status) ?? -1 }) }
                let runNft = { nft.append(Self.seconds { _ = try? theirs.nft("-f", nftPath) }) }
                if round % 2 == 0 { runOurs(); runNft() } else { runNft(); runOurs() }
                #expect(status == 0)
                again.append(Self.seconds { status = (try? mine.spoofguard("apply", policyPath).status) ?? -1 })
                #expect(try mine.nft("list", "ruleset").output == theirs.nft("list", "ruleset").output)
            }
            let (a, n) = (Self.median(ours), Self.median(nft))
            lines.append(String(format: "| %d | %.3f s | %.3f s | %.2f× | %.1f ms |", count + count / 10 + 5, a, n, a / n,
                                Self.median(again) * 1000))
        }
        print(lines.joined(separator: "\n"))
    }
}
