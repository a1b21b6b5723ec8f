/// Totals of a dry run — per verdict, per deciding rule, kernel check and chain policy — and
/// the packets whose verdict differs from what their input said to expect. Adding a packet
/// allocates nothing unless it is a mismatch, so a million-packet summary stays fast.
public struct DryRunTally: Sendable {
    public private(set) var packets = 0
    public private(set) var accepted = 0
    public private(set) var dropped = 0
    public private(set) var rejected = 0
    /// Per rule index: packets whose verdict it gave (counted on the base-chain rule that led to it).
    public private(set) var byRule: [Int]
    public private(set) var byChainPolicy: [Int: Int] = [:]
    public private(set) var byKernel: [KernelStage: Int] = [:]
    public private(set) var byNobody = 0
    public private(set) var mismatches: [ExpectationMismatch] = []

    public init(ruleCount: Int) { byRule = Array(repeating: 0, count: ruleCount) }

    /// Every remaining packet of `packets` decided by `evaluator.decide`, one at a time, and
    /// checked against its expectation: the general path of `dry-run --summary`, which the
    /// specialised one must match (its tests and the `summary` fuzz target compare the two).
    public init(decidingEach packets: inout PacketIterator, by evaluator: inout Evaluator) throws(PacketInputError) {
        self.init(ruleCount: evaluator.rules.count)
        var number = 0
        while let packet = try packets.next() {
            number += 1
            add(evaluator.decide(packet), for: packet, number: number)
        }
    }

    /// Adds one packet, and keeps it as a mismatch when its verdict is not the one it expected.
    public mutating func add(_ outcome: Evaluator.Outcome, for packet: Packet, number: Int) {
        add(outcome, count: 1)
        if let expected = packet.expected, (expected == .drop) != outcome.verdict.isDrop {
            mismatches.append(ExpectationMismatch(number: number, packet: packet, expected: expected, verdict: outcome.verdict,
                                                  decision: outcome.decision))
        }
    }

    /// Adds `count` packets that all had `outcome` and carried no expectation.
    mutating func add(_ outcome: Evaluator.Outcome, count: Int) {
        guard count > 0 else { return }
        packets += count
        switch outcome.verdict {
        case .accepted: accepted += count
        case .dropped: dropped += count
        case .rejected: rejected += count
        }
        switch outcome.decision {
        case .rule(let rule, let via): byRule[via ?? rule] += count
        case .chainPolicy(let chain): byChainPolicy[chain, default: 0] += count
        case .kernel(let stage): byKernel[stage, default: 0] += count
        case .nobody: byNobody += count
        }
    }

    public var hasMismatches: Bool { !mismatches.isEmpty }

    /// Deciders with their packet counts, rules in ruleset order, then chain policies,
    /// kernel checks (by name) and nobody; only those that decided something.
    public func deciders(_ evaluator: Evaluator) -> [(decider: Decider, packets: Int)] {
        var result: [(Decider, Int)] = []
        for (rule, count) in byRule.enumerated() where count > 0 {
            result.append((.rule(evaluator.rules[rule], via: nil), count))
        }
        for (chain, count) in byChainPolicy.sorted(by: { $0.key < $1.key }) {
            result.append((evaluator.decider(.chainPolicy(chain)), count))
        }
        for (stage, count) in byKernel.sorted(by: { $0.key.description < $1.key.description }) {
            result.append((.kernel(stage), count))
        }
        if byNobody > 0 { result.append((.nobody, byNobody)) }
        return result
    }
}

/// A packet whose verdict is not the one its input expected.
public struct ExpectationMismatch: Hashable, Sendable {
    /// 1-based position in the input.
    public var number: Int
    public var packet: Packet
    public var expected: ExpectedVerdict
    public var verdict: PacketVerdict
    public var decision: Decision
}
