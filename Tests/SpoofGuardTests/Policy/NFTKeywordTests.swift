import Foundation
import SpoofGuardTestSupport
import Testing
@testable import SpoofGuard

/// nft itself is the oracle for which table names its parser refuses. Runs only where nft is
/// installed and an unprivileged user namespace can be made (nft -c needs no kernel state).
@Suite("Table names nft cannot parse")
struct NFTKeywordTests {
    static let nft = ["/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Exit status of `nft -c -f FILE` on a table of this name, inside `unshare -rn`.
    func nftAccepts(_ name: String, nft: String) throws -> Bool? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sg-kw-\(UUID().uuidString).nft")
        try "table inet \(name) {\n}\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try TestProcess.run(["/usr/bin/unshare", "-rn", nft, "-c", "-f", file.path])
        if outcome.status == 0 { return true }
        // Only a parse error counts; anything else (no namespace allowed) says nothing.
        return outcome.error.contains("syntax error") ? false : nil
    }

    @Test func everyRefusedNameIsRefusedByNftAndDecoderAgrees() throws {
        guard let nft = Self.nft else {
            print("skipped: nft is not installed")
            return
        }
        guard try nftAccepts("spoofguard", nft: nft) == true else {
            print("skipped: cannot run nft -c in a user namespace here")
            return
        }
        for keyword in NFTKeywords.all.sorted() {
            #expect(try nftAccepts(keyword, nft: nft) == false, "nft accepts \(keyword)")
            #expect(problems(#"{"version": 1, "table": "\#(keyword)"}"#).first?.message.contains("nft keyword") == true)
        }
        for name in ["filter", "nat", "input", "fw", "spoofguard-v2", "A_b"] {
            #expect(try nftAccepts(name, nft: name == "" ? "" : nft) == true, "nft refuses \(name)")
            #expect((try? decodePolicy(#"{"version": 1, "table": "\#(name)"}"#).get()) != nil)
        }
    }
}
