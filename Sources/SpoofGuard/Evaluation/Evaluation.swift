/// What happened to a packet.
public enum PacketVerdict: String, Hashable, Sendable, CaseIterable, Codable {
    case accepted, dropped, rejected

    /// Whether the packet goes no further (what an `"expect": "drop"` means).
    public var isDrop: Bool { self != .accepted }
}

/// Who decided a packet's fate.
public enum Decider: Hashable, Sendable, CustomStringConvertible {
    /// A rule's verdict. `via` is the base-chain rule whose jump or goto led to it, when
    /// the verdict came from a regular chain (spoofguard's guard rules `goto` its log chain).
    case rule(RuleReference, via: RuleReference?)
    /// A base chain's policy, for packets that ran off its end.
    case chainPolicy(ChainReference)
    /// The kernel's own receive-path checks.
    case kernel(KernelStage)
    /// No rule and no check stopped the packet.
    case nobody

    /// The rule the user wrote or the compiler emitted for a policy entry: for a verdict
    /// reached through a jump, the base-chain rule that jumped.
    public var entryRule: RuleReference? {
        if case .rule(let rule, let via) = self { return via ?? rule }
        return nil
    }

    public var description: String {
        switch self {
        case .rule(let rule, let via?): "\(via) via \(rule.chain) \(rule.comment.map { "\"\($0)\"" } ?? "#\(rule.index)")"
        case .rule(let rule, nil): rule.description
        case .chainPolicy(let chain): chain.description
        case .kernel(let stage): "kernel (\(stage))"
        case .nobody: "nobody"
        }
    }
}

/// The result of running one packet through the receive-path model.
public struct Evaluation: Hashable, Sendable {
    public var verdict: PacketVerdict
    public var decider: Decider
    /// Rules whose counter statements counted the packet, in the order reached.
    public var countedRules: [RuleReference]
    /// Rules whose log statement fired (its limit, if any, not exceeded).
    public var loggedRules: [RuleReference]
}

/// The compact form of a decision, for the allocation-free path.
public enum Decision: Hashable, Sendable {
    /// Rule indices into `Evaluator.rules`.
    case rule(Int, via: Int?)
    case chainPolicy(Int)
    case kernel(KernelStage)
    case nobody
}
