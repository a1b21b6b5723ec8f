import Foundation
import SpoofGuard
import SpoofGuardNetlink
import Testing

/// Every shipped example policy through the kernel: IR → kernel → IR is the identity, and a
/// second apply changes nothing.
@Suite(.serialized, .enabled(if: isRoot, "needs root to create network namespaces"))
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
}
