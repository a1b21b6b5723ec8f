import Testing
@testable import SpoofGuard

/// The evaluator, run on compiled policies, against a direct reading of the policy.
@Suite struct EvaluatorPropertyTests {
    typealias F = Fixture

    /// What the policy says should happen, computed from its prefixes and patterns alone.
    static func expected(_ policy: Policy, _ packet: Packet) -> (verdict: PacketVerdict, decidedBy: String?) {
        let name = packet.inputInterface.name
        let guardedInterface = switch policy.external {
        case .listed(let patterns): patterns.contains { $0.matches(name) }
        case .allExceptInternal: !policy.internal.contains { $0.matches(name) }
        }
        func guarded(_ field: AddressField, _ address: IPAddress) -> Bool {
            policy.guarded(field).flatMap(\.prefixes).contains { prefix in
                switch (prefix, address) {
                case let (.v4(prefix), .v4(address)): prefix.contains(address)
                case let (.v6(prefix), .v6(address)): prefix.contains(address)
                default: false
                }
            }
        }
        let family = packet.family == .ipv4 ? "ipv4" : "ipv6"
        let spoofguardVerdict: PacketVerdict = policy.action.verdict == .drop ? .dropped : .rejected
        if case .v6(let source) = packet.source, case .v6(let destination) = packet.destination,
           packet.inputInterface.kind != .loopback, source == .loopback || destination == .loopback {
            return (.dropped, "kernel")
        }
        if case .v6(let source) = packet.source, source.bits >> 120 == 0xff { return (.dropped, "kernel") }
        if guardedInterface {
            if guarded(.source, packet.source) { return (spoofguardVerdict, "guard.source \(family)") }
            if guarded(.destination, packet.destination) { return (spoofguardVerdict, "guard.destination \(family)") }
        }
        if case .v4(let source) = packet.source, case .v4(let destination) = packet.destination,
           KernelChecks.ipv4RouteInput(source: source, destination: destination, kind: packet.inputInterface.kind,
                                       routeLocalnet: packet.routeLocalnet) != nil {
            return (.dropped, "kernel")
        }
        return (.accepted, nil)
    }

    static let policies: [Policy] = [
        F.policy(),
        F.policy(external: .allExceptInternal),
        F.policy(sources: F.defaultSources + ["10.0.0.0/8", "2001:db8::/32"], destinations: ["127.0.0.0/8", "::1/128", "0.0.0.0/8"]),
        F.policy(sources: ["127.0.0.0/8"], destinations: []),
        F.policy(action: Action(verdict: .reject, counter: false, log: LogAction())),
    ]

    @Test(arguments: policies.indices)
    func verdictsMatchThePolicy(policyIndex: Int) throws {
        let policy = Self.policies[policyIndex]
        var evaluator = try Evaluator(ruleset: Compiler.compile(policy))
        var generator = SeededGenerator(seed: UInt64(policyIndex) &+ 0x5eed)
        var dropsByRule = 0
        for _ in 0..<4000 {
            let packet = RandomPackets.packet(using: &generator)
            let expected = Self.expected(policy, packet)
            let evaluation = evaluator.evaluate(packet)
            let decidedBy: String? = switch evaluation.decider {
            case .kernel: "kernel"
            case .rule: evaluation.decider.entryRule?.comment
            case .chainPolicy(let chain): "policy \(chain.chain)"
            case .nobody: nil
            }
            #expect(evaluation.verdict == expected.verdict && decidedBy == expected.decidedBy,
                    "\(packet.displayText) kind \(packet.inputInterface.kind) localnet \(packet.routeLocalnet)")
            if case .rule = evaluation.decider { dropsByRule += 1 }
        }
        #expect(dropsByRule > 100, "the packet mix must exercise the guard rules")
    }

    @Test func countersCountWhatTheRulesDecided() throws {
        var evaluator = try Evaluator(ruleset: Compiler.compile(F.policy()))
        var generator = SeededGenerator(seed: 99)
        var expectedPackets: [Int: UInt64] = [:]
        var expectedBytes: [Int: UInt64] = [:]
        for _ in 0..<2000 {
            let packet = RandomPackets.packet(using: &generator)
            let outcome = evaluator.decide(packet)
            if case .rule(let rule, _) = outcome.decision {
                expectedPackets[rule, default: 0] += 1
                expectedBytes[rule, default: 0] += UInt64(packet.length)
            }
        }
        for (index, counter) in evaluator.counters.enumerated() {
            #expect(counter.packets == expectedPackets[index, default: 0])
            #expect(counter.bytes == expectedBytes[index, default: 0])
        }
    }
}
