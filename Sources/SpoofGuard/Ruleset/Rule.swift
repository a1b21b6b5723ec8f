/// A rule: statements in nft order, and a comment naming the policy entry it came from,
/// which is how a kernel rule (and a kernel error) is traced back to the policy.
public struct Rule: Hashable, Sendable {
    public var statements: [Statement]
    public var comment: String?
    /// The kernel's handle, known only for rules read back.
    public var handle: UInt64?

    public init(_ statements: [Statement], comment: String? = nil, handle: UInt64? = nil) {
        self.statements = statements
        self.comment = comment
        self.handle = handle
    }

    public var withoutRuntimeState: Rule {
        Rule(statements.map { statement in
            if case .counter = statement { return .counter(Counter()) }
            return statement
        }, comment: comment)
    }

    public var counter: Counter? {
        for case .counter(let counter) in statements { return counter }
        return nil
    }
}
