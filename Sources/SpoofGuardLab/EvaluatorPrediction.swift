import SpoofGuard

extension Fate {
    /// The evaluator's outcome in the terms the kernel's counters can confirm.
    public init(_ outcome: Evaluator.Outcome, of evaluator: Evaluator) {
        switch evaluator.decider(outcome.decision) {
        case .rule(let rule, let via) where outcome.verdict.isDrop:
            // Guard rules count in the base chain and `goto` the log chain that drops: the
            // counter that moves is the base-chain rule's.
            let entry = via ?? rule
            self = .rule(RuleAddress(family: entry.tableFamily, table: entry.table, chain: entry.chain,
                                     index: entry.index, comment: entry.comment))
        case .kernel(let stage):
            switch stage {
            case .ipv6LoopbackAddress, .ipv6MulticastSource, .wrappedFrame: self = .droppedBeforePrerouting
            case .ipv4MartianSource, .ipv4MartianDestination: self = .droppedAfterPrerouting
            }
        case .chainPolicy where outcome.verdict.isDrop:
            self = .droppedWithoutCounter
        default:
            self = .accepted
        }
    }

    /// The evaluator as a prediction function over `ruleset` (its counters and rate limits
    /// advance with each packet, as the kernel's do).
    public static func evaluatorPredictions(for ruleset: Ruleset) throws -> (Packet) -> Fate {
        var evaluator = try Evaluator(ruleset: ruleset)
        return { packet in
            let outcome = evaluator.decide(packet)
            return Fate(outcome, of: evaluator)
        }
    }
}
