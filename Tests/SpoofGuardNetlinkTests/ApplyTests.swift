import Foundation
import SpoofGuard
import SpoofGuardNetlink
import Testing

/// Kernel tests: each runs in its own `ip netns` namespace, never the host's.
@Suite(.serialized, .enabled(if: isRoot, "needs root to create network namespaces"))
struct ApplyTests {
    func prepared() throws -> TestNamespace {
        let ns = try TestNamespace()
        try ns.exec("ip", "link", "add", "sgdummy0", "type", "veth", "peer", "name", "sgpeer0")
        return ns
    }

    @Test(arguments: Examples.all.map(\.name))
    func roundTripAndOracle(example: String) throws {
        let (_, ruleset, text) = Examples.all.first { $0.name == example }!
        let ours = try prepared()
        let report = try ours.kernel().apply(ruleset)
        #expect(report.changed)
        let readBack = try ours.kernel().read(tablesNamed: ["spoofguard"])
        #expect(readBack.kernelComparable == ruleset.kernelComparable)

        let oracle = try prepared()
        try oracle.nft("-f", "-", input: text)
        let expected = try oracle.nft("list", "ruleset")
        let actual = try ours.nft("list", "ruleset")
        #expect(actual == expected)
        // And what nft loaded reads back as the same IR.
        let fromNft = try oracle.kernel().read(tablesNamed: ["spoofguard"])
        #expect(fromNft.kernelComparable == ruleset.kernelComparable)
    }
}
