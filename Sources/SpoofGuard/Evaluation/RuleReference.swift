/// Where a rule sits in the ruleset and how it reads, so that a verdict can name it.
public struct RuleReference: Hashable, Sendable, CustomStringConvertible {
    public var tableFamily: TableFamily
    public var table: String
    public var chain: String
    /// Position in its chain, from 0.
    public var index: Int
    public var comment: String?
    /// The rule as nft lists it (without the comment, which is shown on its own).
    public var nftText: String
    public var handle: UInt64?

    public var description: String {
        let name = comment.map { "\"\($0)\"" } ?? "\(table) \(chain) #\(index)"
        return "rule \(name) (\(nftText))"
    }
}

/// A chain, for verdicts that come from its policy rather than from one of its rules.
public struct ChainReference: Hashable, Sendable, CustomStringConvertible {
    public var tableFamily: TableFamily
    public var table: String
    public var chain: String

    public var description: String { "policy of chain \(tableFamily.rawValue) \(table) \(chain)" }
}
