import Foundation
import Testing
import SpoofGuardTestSupport

/// Every policy of the invalid corpus given to `spoofguard apply` in a namespace that already
/// holds a valid spoofguard table and another tool's table: each exits as its manifest says,
/// names the location of its first problem, and the ruleset is byte-identical afterwards.
@Suite(.serialized, .kernel)
struct InvalidPolicyApplyTests {
    struct Case: Decodable {
        var file: String
        var exitCode: Int32
        var path: String
        var message: String
    }

    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SpoofGuardTests/Policy/Invalid")

    static let preloaded = """
    table inet spoofguard {
    	set source_ipv4 { type ipv4_addr; flags interval; elements = { 127.0.0.0/8 } }
    	chain prerouting { type filter hook prerouting priority raw; policy accept;
    		iifname "eth0" ip saddr @source_ipv4 counter drop comment "guard.source loopback"
    	}
    }
    table inet filter {
    	chain input { type filter hook input priority filter; policy accept; tcp dport 22 accept; }
    }

    """

    /// `FILE: PATH:` for a problem at a JSON path, `FILE:LINE:COLUMN:` for a syntax error.
    static func names(_ error: String, file: String, path: String) -> Bool {
        if !path.isEmpty { return error.contains("\(file): \(path): ") }
        guard let range = error.range(of: "\(file):") else { return false }
        let parts = error[range.upperBound...].split(separator: ":", maxSplits: 2)
        return parts.count == 3 && parts[0].allSatisfy(\.isNumber) && parts[1].allSatisfy(\.isNumber)
    }

    @Test func everyInvalidPolicyIsRefusedAndTheKernelIsUnchanged() throws {
        let cases = CorpusManifest<Case>.load(from: Self.corpus)
        #expect(cases.count >= 40)
        let ns = try KernelCommandTests.Namespace()
        #expect(try ns.nft("-f", "-", input: Self.preloaded).status == 0)
        let before = try ns.nft("list", "ruleset")
        #expect(before.status == 0 && before.output.contains("table inet spoofguard"))
        for entry in cases {
            let file = Self.corpus.appendingPathComponent(entry.file).path
            for arguments in [["apply", file], ["apply", file, "--check"], ["diff", file]] {
                let run = try ns.spoofguard(arguments[0], arguments[1], arguments.count > 2 ? arguments[2] : "--json")
                #expect(run.status == entry.exitCode, "\(arguments) exited \(run.status): \(run.error)")
                #expect(run.error.contains(entry.message), "\(arguments): \(run.error)")
                // The location: the JSON path, or line and column for a syntax error.
                #expect(Self.names(run.error, file: file, path: entry.path), "\(arguments): \(run.error)")
                #expect(run.output.isEmpty, "\(arguments) printed \(run.output)")
            }
            let after = try ns.nft("list", "ruleset")
            #expect(after.output == before.output, "\(entry.file) changed the ruleset")
        }
        // A missing file is 66, and also leaves everything alone.
        let missing = try ns.spoofguard("apply", Self.corpus.appendingPathComponent("does-not-exist.json").path)
        #expect(missing.status == 66)
        #expect(missing.error.contains("does-not-exist.json"))
        #expect(try ns.nft("list", "ruleset").output == before.output)
    }
}
