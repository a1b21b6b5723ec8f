import SpoofGuard

/// Where a rule sits: what a prediction names and what a kernel counter is read back by.
public struct RuleAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var family: TableFamily
    public var table: String
    public var chain: String
    /// Position in its chain, from 0.
    public var index: Int
    public var comment: String?

    public init(family: TableFamily, table: String, chain: String, index: Int, comment: String? = nil) {
        self.family = family
        self.table = table
        self.chain = chain
        self.index = index
        self.comment = comment
    }

    public var description: String {
        "\(family.rawValue) \(table) \(chain) #\(index)" + (comment.map { " \"\($0)\"" } ?? "")
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.family.rawValue, lhs.table, lhs.chain, lhs.index) < (rhs.family.rawValue, rhs.table, rhs.chain, rhs.index)
    }

    /// A rule is its position; the comment only helps a reader.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        (lhs.family, lhs.table, lhs.chain, lhs.index) == (rhs.family, rhs.table, rhs.chain, rhs.index)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(family)
        hasher.combine(table)
        hasher.combine(chain)
        hasher.combine(index)
    }

    /// Packets a rule counts here never reach the IP receive path's counters (they are
    /// dropped at netdev ingress or in the bridge, before `ip_rcv`).
    var isBeforeIPReceive: Bool { family == .netdev || family == .bridge }
}

/// What happened to a packet, in the terms both the evaluator and the kernel's counters can
/// state: which spoofguard rule stopped it (its counter), which kernel stage dropped it, or
/// that it went through (delivered, forwarded or bridged on).
public enum Fate: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// A spoofguard rule counted the packet and dropped or rejected it.
    case rule(RuleAddress)
    /// The IPv6 core (`ip6_rcv_core`) dropped it before prerouting — counted as `Ip6InHdrErrors`.
    case droppedBeforePrerouting
    /// Received by IP, seen by prerouting, then neither stopped by a rule nor delivered nor
    /// forwarded: the IPv4 route-input martian check.
    case droppedAfterPrerouting
    /// Delivered locally, forwarded, or bridged to the other port.
    case accepted
    /// Dropped by a chain policy or a rule without a counter: no counter can confirm it, so
    /// such a prediction always disagrees (spoofguard's compiled tables never produce one).
    case droppedWithoutCounter

    public var description: String {
        switch self {
        case .rule(let rule): "rule \(rule)"
        case .droppedBeforePrerouting: "kernel drop before prerouting (ipv6 core)"
        case .droppedAfterPrerouting: "kernel drop after prerouting (ipv4 route input)"
        case .accepted: "accepted"
        case .droppedWithoutCounter: "dropped where no counter sees it"
        }
    }

    private var order: Int {
        switch self {
        case .rule: 0
        case .droppedBeforePrerouting: 1
        case .droppedAfterPrerouting: 2
        case .accepted: 3
        case .droppedWithoutCounter: 4
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        if case .rule(let a) = lhs, case .rule(let b) = rhs { return a < b }
        return lhs.order < rhs.order
    }
}
