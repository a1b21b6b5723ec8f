import Testing
import SpoofGuard
@testable import SpoofGuardLab
import SpoofGuardTestSupport

/// Issue 14's table, re-run: loopback-sourced IP inside QinQ, double 802.1Q, PPPoE and
/// 802.1Q+PPPoE frames enters a bridge port. Without the encapsulation guards (the ruleset as
/// it was before them) the bridge forwards every one and no guard counter moves; with them
/// each is dropped by the rule for its kind, on the bridge hook and on the ingress hook.
@Suite(.kernel, .serialized)
struct EncapsulationKernelTests {
    struct Kind: CustomStringConvertible, Sendable {
        var encapsulation: LinkEncapsulation
        var source: String
        var destination: String
        var description: String { "\(encapsulation) \(source) -> \(destination)" }
        var family: AddressFamily { source.contains(":") ? .ipv6 : .ipv4 }
        /// The comment of the guard rule that must drop it.
        var expectedRule: String { Compiler.ruleComment(.source, family) + " " + encapsulation.description }
    }

    static let qinq = LinkEncapsulation(tags: [.init(.vlan8021AD, tci: 100), .init(.vlan8021Q, tci: 7)])
    static let doubleQ = LinkEncapsulation(tags: [.init(.vlan8021Q, tci: 100), .init(.vlan8021Q, tci: 7)])
    static let pppoe = LinkEncapsulation(pppoeSession: 0x1234)
    static let vlanPPPoE = LinkEncapsulation(tags: [.init(.vlan8021Q, tci: 7)], pppoeSession: 0x1234)

    static let kinds: [Kind] = [
        Kind(encapsulation: qinq, source: "127.0.0.1", destination: "198.51.100.7"),
        Kind(encapsulation: qinq, source: "::1", destination: "2001:db8:7::7"),
        Kind(encapsulation: doubleQ, source: "127.0.0.1", destination: "198.51.100.7"),
        Kind(encapsulation: pppoe, source: "127.0.0.1", destination: "198.51.100.7"),
        Kind(encapsulation: pppoe, source: "::1", destination: "2001:db8:7::7"),
        Kind(encapsulation: vlanPPPoE, source: "127.0.0.1", destination: "198.51.100.7"),
        Kind(encapsulation: vlanPPPoE, source: "::1", destination: "2001:db8:7::7"),
    ]

    /// The compiled ruleset without the encapsulation guards: what spoofguard loaded before.
    static func withoutEncapsulationGuards(_ ruleset: Ruleset) -> Ruleset {
        var result = ruleset
        for t in result.tables.indices {
            result.tables[t].sets.removeAll { $0.rawKey != nil }
            for c in result.tables[t].chains.indices {
                result.tables[t].chains[c].rules.removeAll { rule in
                    rule.statements.contains { if case .match(let match) = $0, case .payload = match.subject { true } else { false } }
                }
            }
        }
        return result
    }

    /// Sends each kind's frame on the first bridge port, with `ruleset` loaded; returns, per kind,
    /// the frames the other port transmitted and the guard rules whose counters moved.
    func run(_ policy: Policy, _ ruleset: Ruleset) throws -> [(kind: Kind, forwarded: UInt64, moved: [String])] {
        let lab = try KernelLab(policy: policy)
        defer { lab.close() }
        let driver = NetlinkRulesetDriver()
        try driver.load(ruleset, into: lab)
        let ports = lab.topology.links.filter(\.isBridgePort)
        try #require(ports.count == 2 && ports[0].name == "eth1", "the lab should bridge eth1 to one other port: \(ports)")
        var results: [(Kind, UInt64, [String])] = []
        for kind in Self.kinds {
            var packet = LabSupport.packet(kind.source, kind.destination, on: "eth1", kind: .bridgePort)
            packet.encapsulation = kind.encapsulation
            let countersBefore = try driver.ruleCounters(of: ruleset, in: lab)
            let before = try lab.counters()
            try lab.send([packet])
            let delta = before.delta(to: try lab.settledCounters())
            let countersAfter = try driver.ruleCounters(of: ruleset, in: lab)
            let moved = countersAfter.filter { $0.value != countersBefore[$0.key] }.keys.sorted().map { $0.comment ?? "\($0)" }
            results.append((kind, delta.transmitted[ports[1].name] ?? 0, moved))
        }
        return results
    }

    /// The policy: the default guard on eth1 at `hooks`.
    static func policy(_ hooks: [PolicyHook]) throws -> Policy {
        let hookList = hooks.map { "\"\($0.rawValue)\"" }.joined(separator: ",")
        let text = "{\"version\":1,\"external\":[\"eth1\"],\"hooks\":[\(hookList)]}"
        return try Policy.decode(Array(text.utf8), source: "issue 14")
    }

    @Test(arguments: [[PolicyHook.bridge], [PolicyHook.ingress, .bridge]])
    func encapsulatedLoopbackIsForwardedWithoutTheGuardsAndDroppedWithThem(_ hooks: [PolicyHook]) throws {
        let policy = try Self.policy(hooks)
        let compiled = Compiler.compile(policy)
        let old = Self.withoutEncapsulationGuards(compiled)
        try #require(old != compiled, "the policy should compile encapsulation guards")

        for (kind, forwarded, moved) in try run(policy, old) {
            #expect(forwarded == 1, "without the encapsulation guards the bridge should forward \(kind)")
            #expect(moved.isEmpty, "without the encapsulation guards no guard rule should count \(kind): \(moved)")
        }
        // The ingress chain runs first: with both hooks, it is the one that drops.
        let deciding: TableFamily = hooks.contains(.ingress) ? .netdev : .bridge
        for (kind, forwarded, moved) in try run(policy, compiled) {
            #expect(forwarded == 0, "with the encapsulation guards \(kind) should be dropped, not forwarded")
            #expect(moved == [kind.expectedRule], "\(kind) should be counted by the \(deciding.rawValue) rule \"\(kind.expectedRule)\" alone: \(moved)")
        }
    }
}
