import Foundation
import SpoofGuard
import SpoofGuardNetlink
import Testing
import SpoofGuardTestSupport

/// Large policies: many batch messages, element lists split across messages, long dumps.
@Suite(.serialized, .kernel)
struct ScaleTests {
    /// `count` non-adjacent /24s (so none merge) plus IPv6 /64s, as one compiled policy would hold.
    static func ruleset(prefixes count: Int) -> Ruleset {
        var ruleset = Examples.prerouting
        let v4 = (0..<count).map { index in
            let network = UInt32(0x0b00_0000) + UInt32(index) * 512
            return network...(network + 255)
        }
        let v6 = (0..<count / 10).map { index in
            let network = (UInt128(0x2001_0db8) << 96) + (UInt128(index) << 65)
            return network...(network + (UInt128(1) << 64) - 1)
        }
        ruleset.tables[0].sets[1].elements = .ipv4(IPv4Set(ranges: v4 + [0x7f00_0000...0x7fff_ffff]))
        ruleset.tables[0].sets[2].elements = .ipv6(IPv6Set(ranges: v6 + [1...1]))
        return ruleset
    }

    @Test func hundredThousandPrefixesApplyReadBackAndListInNft() throws {
        let ruleset = Self.ruleset(prefixes: 100_000)
        let ns = try TestNamespace()
        let report = try ns.kernel().apply(ruleset)
        #expect(report.changed)
        #expect(report.elements == 100_001 + 10_001 + 3)
        let loaded = try ns.kernel().read(tablesNamed: ["spoofguard"])
        #expect(loaded.kernelComparable == ruleset.kernelComparable)
        #expect(try !ns.kernel().apply(ruleset).changed)
        // nft reads it too: every range printed as a prefix.
        let listing = try ns.nft("list", "set", "inet", "spoofguard", "source_ipv4")
        #expect(listing.contains("11.0.0.0/24"))
        #expect(listing.contains("127.0.0.0/8"))
        let lastNetwork = IPv4Address(bits: 0x0b00_0000 + 99_999 * 512)
        #expect(listing.contains("\(lastNetwork)/24"))
        #expect(listing.components(separatedBy: "/24").count - 1 == 100_000)
    }

    @Test func fiftyThousandRulesInOneTransaction() throws {
        var ruleset = Examples.prerouting
        let rules = (0..<50_000).map { index in
            Rule([.match(Match(.address(.ipv4, .source), .prefix(.v4(IPv4Prefix(network: IPv4Address(bits: 0x0a00_0000 + UInt32(index) << 8), length: 24)!)))),
                  .counter(Counter()), .verdict(.drop)], comment: "rule \(index)")
        }
        ruleset.tables[0].chains[0].rules += rules
        let ns = try TestNamespace()
        let report = try ns.kernel().apply(ruleset)
        #expect(report.messages > 50_000)
        let loaded = try ns.kernel().read(tablesNamed: ["spoofguard"])
        #expect(loaded.tables[0].chains[0].rules.count == 50_002)
        #expect(loaded.kernelComparable == ruleset.kernelComparable)
    }
}
