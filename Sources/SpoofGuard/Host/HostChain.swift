/// A base chain of any table as the kernel dumps it, with each rule reduced to the
/// expressions that matter to the guard: those that rewrite an address or take the packet
/// away. Everything else (matches, counters, `drop`) cannot open a way around spoofguard.
public struct HostChain: Hashable, Sendable {
    public var family: TableFamily
    public var table: String
    public var name: String
    /// The hook, or nil for one spoofguard does not model (arp, inet ingress on old kernels…).
    public var hook: Hook?
    public var priority: Priority
    public var type: String
    public var policy: ChainPolicy
    public var devices: [String]
    public var rules: [HostRule]

    public init(family: TableFamily, table: String, name: String, hook: Hook?, priority: Priority, type: String = "filter",
                policy: ChainPolicy = .accept, devices: [String] = [], rules: [HostRule] = []) {
        self.family = family
        self.table = table
        self.name = name
        self.hook = hook
        self.priority = priority
        self.type = type
        self.policy = policy
        self.devices = devices
        self.rules = rules
    }

    /// `ip mangler chain pre`, as findings name it.
    public var label: String { "\(family.rawValue) \(table) chain \(name)" }
}

public struct HostRule: Hashable, Sendable {
    /// The kernel's rule handle (`nft -a list ruleset`).
    public var handle: UInt64
    public var effects: [RuleEffect]

    public init(handle: UInt64, effects: [RuleEffect]) {
        self.handle = handle
        self.effects = effects
    }
}

/// What one kernel expression can do to a packet that spoofguard would see later.
public enum RuleEffect: Hashable, Sendable, CustomStringConvertible {
    /// `payload write`: `ip saddr set …` and its kin, at a byte range of a header.
    case payloadWrite(base: PayloadBase, offset: UInt32, length: UInt32)
    /// `snat`, `dnat`, `masquerade`, `redirect` (expression names `nat`, `masq`, `redir`).
    case nat(String)
    /// `fwd`: the packet leaves through another device.
    case forward
    /// `dup`: a copy is sent elsewhere.
    case duplicate
    /// `queue`: handed to user space, which decides (and may rewrite).
    case queue

    public var description: String {
        switch self {
        case let .payloadWrite(base, offset, length): "payload write \(length)b @ \(base) header + \(offset)"
        case .nat(let kind): kind
        case .forward: "fwd"
        case .duplicate: "dup"
        case .queue: "queue"
        }
    }

    /// Whether it rewrites a source or destination address: a write over IPv4's bytes 12–19
    /// or IPv6's bytes 8–39 of the network header, or NAT. In families that carry both
    /// (inet, netdev, bridge) a short write below byte 12 is IPv4's TTL or checksum, not an address.
    public func rewritesAddress(in family: TableFamily) -> Bool {
        switch self {
        case let .payloadWrite(.network, offset, length):
            let written = Int(offset)..<Int(offset) + Int(length)
            switch family {
            case .ip: return written.overlaps(12..<20)
            case .ip6: return written.overlaps(8..<40)
            default: return written.overlaps(12..<40) || (written.overlaps(8..<12) && length >= 4)
            }
        case .nat: return true
        default: return false
        }
    }

    public var takesPacketAway: Bool {
        switch self {
        case .forward, .duplicate, .queue: true
        default: false
        }
    }
}
