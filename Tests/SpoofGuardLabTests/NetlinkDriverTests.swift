import Foundation
import Testing
import SpoofGuard
@testable import SpoofGuardLab
import SpoofGuardTestSupport

/// The product path without the evaluator: Examples/router.json compiled, loaded by
/// spoofguard's own netlink code, counters read back by it, and packets whose fate the
/// facts of ADDRESSES.md fix by hand.
@Suite(.kernel)
struct NetlinkDriverTests {
    static func rule(_ index: Int) -> Fate {
        .rule(RuleAddress(family: .inet, table: "spoofguard", chain: "prerouting", index: index))
    }

    @Test func compiledRouterPolicyThroughNetlinkAgreesWithTheFacts() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let policy = try Policy.load(from: root.appendingPathComponent("Examples/router.json").path)
        let session = TrySession(policy: policy)
        // Rule order as the compiler emits it: source v4, source v6, destination v4, destination v6.
        #expect(session.ruleset.countedRules.map(\.comment) ==
                ["guard.source ipv4", "guard.source ipv6", "guard.destination ipv4", "guard.destination ipv6"])
        let cases: [(String, String, String, Fate)] = [
            ("127.0.0.1", "192.0.2.1", "eth0", Self.rule(0)),
            ("127.9.9.9", "198.51.100.7", "wan0", Self.rule(0)),
            ("::ffff:127.0.0.1", "2001:db8:1::1", "ppp0", Self.rule(1)),
            ("64:ff9b::7f00:1", "2001:db8:1::1", "eth0", Self.rule(1)),
            ("198.51.100.7", "127.0.0.1", "eth0", Self.rule(2)),
            ("::1", "2001:db8:1::1", "eth0", .droppedBeforePrerouting),       // ip6_rcv_core comes first
            ("127.0.0.1", "192.0.2.1", "br-lan", .droppedAfterPrerouting),     // internal: the kernel's martian check
            ("::ffff:127.0.0.1", "2001:db8:1::1", "br-lan", .accepted),        // internal and no kernel check
            ("198.51.100.7", "192.0.2.1", "eth0", .accepted),
            ("127.0.0.1", "127.0.0.1", "lo", .accepted),
        ]
        let packets = cases.map { LabSupport.packet($0.0, $0.1, on: $0.2) }
        let expected = Dictionary(zip(packets, cases.map(\.3)), uniquingKeysWith: { a, _ in a })
        let outcome = try session.run(packets: packets + packets, count: 0, seed: 0, driver: NetlinkRulesetDriver(),
                                      predictor: { _ in { expected[$0]! } })
        #expect(outcome.report.disagreements.map(\.description) == [])
        #expect(outcome.report.packets == 2 * cases.count)
        #expect(outcome.report.agreed[Self.rule(1)] == 4)
    }
}
