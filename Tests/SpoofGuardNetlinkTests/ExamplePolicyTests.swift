import Foundation
import SpoofGuard
import SpoofGuardNetlink
import Testing
import SpoofGuardTestSupport

/// Every shipped example policy through the kernel: IR → kernel → IR is the identity, and a
/// second apply changes nothing.
@Suite(.serialized, .kernel)
struct ExamplePolicyTests {
    static let examplesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples")

    static var examples: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: examplesDirectory.path)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test func thereAreExamples() {
        #expect(!Self.examples.isEmpty, "no Examples/*.json found at \(Self.examplesDirectory.path)")
    }

    @Test(arguments: examples)
    func roundTripsThroughTheKernel(example: String) throws {
        let policy = try Policy.load(from: Self.examplesDirectory.appendingPathComponent(example).path)
        let ruleset = Compiler.compile(policy)
        let ns = try TestNamespace()
        #expect(try ns.kernel().apply(ruleset).changed)
        let loaded = try ns.kernel().read(tablesNamed: [policy.table])
        #expect(loaded.kernelComparable == ruleset.kernelComparable)
        #expect(try !ns.kernel().apply(ruleset).changed)
    }

    /// The oracle: what `nft list ruleset` shows after spoofguard's apply equals what it shows
    /// after `nft -f` of the rendered text, each in a fresh namespace.
    @Test(arguments: examples)
    func nftListsTheSameAsAfterNftF(example: String) throws {
        let ruleset = Compiler.compile(try Policy.load(from: Self.examplesDirectory.appendingPathComponent(example).path))
        let ours = try TestNamespace()
        let theirs = try TestNamespace()
        try ours.kernel().apply(ruleset)
        try theirs.nft("-f", "-", input: NftTextRenderer.loadFile(ruleset))
        #expect(try ours.nft("list", "ruleset") == theirs.nft("list", "ruleset"))
    }
}
