import Foundation
import SpoofGuardTestSupport
import Testing

/// Smoke test of `spoofguard-bench --quick --rounds 1` (built beside `spoofguard`): it runs
/// end to end and prints every table. No timing is checked.
struct BenchCommandTests {
    static var benchPath: String? {
        BuiltBinary.path.map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("spoofguard-bench").path }
            .flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }
    }

    @Test func quickRunPrintsEveryTable() throws {
        let bench = try #require(Self.benchPath, "spoofguard-bench was not built beside spoofguard")
        let outcome = try TestProcess.run(["SPOOFGUARD_BINARY=\(BuiltBinary.path ?? "")", bench, "--quick", "--rounds", "1"])
        let text = outcome.output + outcome.error
        #expect(outcome.status == 0, "\(text)")
        #expect(text.contains("Machine: "))
        for title in ["### dry-run vs BPF", "### apply vs nft", "### compile", "### data-plane cost per packet", "### verify", "### audit", "### watch agent", "### scale", "### unchanged"] {
            #expect(text.contains(title), "missing \(title)")
        }
        // Every measured row is a table row with a ratio or a count; the data-plane table has one per size.
        #expect(text.components(separatedBy: "\n| ").count > 10)
        let applySection = text.components(separatedBy: "### apply vs nft").last?.components(separatedBy: "### compile").first ?? ""
        if getuid() == 0 {
            #expect(applySection.contains("| 17 |") && applySection.contains("| 107 |"), "apply rows expected as root: \(applySection)")
        } else {
            #expect(applySection.contains("Skipped: creating network namespaces needs root."))
        }
        #expect(text.contains("| Examples/router.json |"))
        if getuid() == 0 {
            #expect(text.contains("| 21 links (10 veth pairs), Examples/router.json |"), "audit row expected as root")
            #expect(text.contains("| burst: 20 guarded links created at once |"), "watch rows expected as root")
            let scale = text.components(separatedBy: "### scale").last ?? ""
            #expect(scale.contains("| 1,000 | `spoofguard apply`, unchanged, no element record |") && scale.contains("kernel floor"), "\(scale)")
            // The bench itself checks that the record was used before it measures.
            let unchanged = text.components(separatedBy: "### unchanged").last ?? ""
            for operation in ["`apply`, unchanged", "`status` (`--elements` beside)", "`diff`, equal"] {
                #expect(unchanged.contains("| 1,007 | \(operation) |"), "\(unchanged)")
            }
        }
    }
}
