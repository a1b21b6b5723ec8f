/// One nft statement. Matches are conditions (the rule stops when one fails); the rest act.
/// Protocol dependencies (`meta nfproto ipv4` before `ip saddr` in an inet table) are implied
/// by the table family, as in nft's own listing; `Linearize` makes them explicit.
public enum Statement: Hashable, Sendable {
    case match(Match)
    case counter(Counter)
    /// A rate limit: the rule stops here when the rate is exceeded.
    case limit(RateLimit)
    case log(Log)
    case reject(Reject)
    case verdict(Verdict)
}

/// `subject op value`, e.g. `iifname @external`, `ip6 saddr != ::1`.
public struct Match: Hashable, Sendable {
    public var subject: MatchSubject
    public var isNegated: Bool
    public var value: MatchValue

    public init(_ subject: MatchSubject, _ value: MatchValue, negated: Bool = false) {
        self.subject = subject
        self.value = value
        self.isNegated = negated
    }
}

/// What a match inspects.
public enum MatchSubject: Hashable, Sendable {
    /// `meta iifname`: the input interface's name (16 bytes, NUL padded).
    case inputInterfaceName
    /// `ip saddr`, `ip6 daddr`, …
    case address(AddressFamily, AddressField)
    /// `meta nfproto` (inet family): which protocol family the packet is.
    case networkFamily
    /// A raw payload load (`@ll,160,16`); nft names it (`ether type`, `vlan type`) where
    /// its protocol context knows the header.
    case payload(RawPayload)
}

public enum AddressField: String, Hashable, Sendable, BitwiseCopyable, CaseIterable {
    case source = "saddr"
    case destination = "daddr"

    /// Byte offset in the IPv4 / IPv6 header.
    public func offset(in family: AddressFamily) -> UInt32 {
        switch (family, self) {
        case (.ipv4, .source): 12
        case (.ipv4, .destination): 16
        case (.ipv6, .source): 8
        case (.ipv6, .destination): 24
        }
    }
}

/// The right-hand side of a match.
public enum MatchValue: Hashable, Sendable {
    /// A named set in the same table, e.g. `@external`.
    case set(String)
    case interface(InterfacePattern)
    case prefix(IPPrefix)
    case family(AddressFamily)
    /// Bytes compared with a raw payload load, in network byte order.
    case bytes([UInt8])
}

/// A counter; values are zero in compiled rules and carry the kernel's counts when read back
/// (packets, and bytes at layer 3 as the kernel counts them).
public struct Counter: Hashable, Sendable {
    public var packets: UInt64
    public var bytes: UInt64
    public init(packets: UInt64 = 0, bytes: UInt64 = 0) {
        self.packets = packets
        self.bytes = bytes
    }
}

public struct RateLimit: Hashable, Sendable {
    public enum Unit: String, Hashable, Sendable, CaseIterable {
        case second, minute, hour, day, week
        public var seconds: UInt64 {
            switch self {
            case .second: 1
            case .minute: 60
            case .hour: 3600
            case .day: 86400
            case .week: 604800
            }
        }
    }
    public var rate: UInt64
    public var unit: Unit
    /// nft's default burst for packet limits is 5.
    public var burst: UInt32

    public init(rate: UInt64, per unit: Unit, burst: UInt32 = 5) {
        self.rate = rate
        self.unit = unit
        self.burst = burst
    }
}

public struct Log: Hashable, Sendable {
    public var prefix: String?
    /// An NFLOG group instead of the kernel log.
    public var group: UInt16?
    public init(prefix: String? = nil, group: UInt16? = nil) {
        self.prefix = prefix
        self.group = group
    }
}

/// `reject` as nft spells it in each family.
public enum Reject: Hashable, Sendable {
    /// `reject`: ICMP/ICMPv6 port unreachable (icmpx in inet/bridge/netdev), TCP reset not implied.
    case portUnreachable
    case tcpReset
}

public enum Verdict: Hashable, Sendable {
    case accept
    case drop
    case `continue`
    case `return`
    case jump(String)
    case goto(String)
}
