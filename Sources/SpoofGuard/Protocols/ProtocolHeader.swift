/// The protocol headers spoofguard reads, each with its fields and the match that selects it —
/// one table in the spirit of nftables' `src/proto.c`. Linearize, Delinearize, the rule
/// analysis, the renderers, the packet decoders and the evaluator take their offsets, lengths
/// and dependencies from here; adding a header or a field is a row here plus the cases the
/// compiler then asks for.
public enum ProtocolHeader: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Ethernet II (IEEE 802.3): destination, source, EtherType.
    case ethernet
    /// One 802.1Q (0x8100) or 802.1ad (0x88a8) tag: TCI, then the EtherType it encloses.
    case vlan
    /// A PPPoE session header (RFC 2516 §4, EtherType 0x8864) and the PPP protocol field
    /// that follows it (RFC 1661 §2).
    case pppoeSession
    case ipv4
    case ipv6
    case tcp

    /// Where a payload load of this header's fields starts counting.
    public var base: PayloadBase {
        switch self {
        case .ethernet, .vlan, .pppoeSession: .link
        case .ipv4, .ipv6: .network
        case .tcp: .transport
        }
    }

    /// Bytes from the start of the header to what it encloses (without options).
    public var length: UInt32 {
        switch self {
        case .ethernet: 14
        case .vlan: 4
        case .pppoeSession: 8
        case .ipv4: 20
        case .ipv6: 40
        case .tcp: 20
        }
    }

    /// nft's keyword for the header's payload expressions (`ip saddr`, `vlan type`); nil
    /// where nft has none and a raw `@ll,OFFSET,LENGTH` load is written instead.
    public var nftKeyword: String? {
        switch self {
        case .ethernet: "ether"
        case .vlan: "vlan"
        case .pppoeSession: nil
        case .ipv4: "ip"
        case .ipv6: "ip6"
        case .tcp: "tcp"
        }
    }

    public var description: String { nftKeyword ?? "pppoe" }

    /// Fields as (name, offset from the header's start, length), all in network byte order.
    public var fields: [HeaderField] {
        func field(_ name: String, _ offset: UInt32, _ length: UInt32) -> HeaderField {
            HeaderField(header: self, name: name, offset: offset, length: length)
        }
        return switch self {
        case .ethernet: [field("daddr", 0, 6), field("saddr", 6, 6), field("type", 12, 2)]
        case .vlan: [field("tci", 0, 2), field("type", 2, 2)]
        case .pppoeSession: [field("code", 1, 1), field("session", 2, 2), field("length", 4, 2), field("protocol", 6, 2)]
        case .ipv4: [field("protocol", 9, 1), field("saddr", 12, 4), field("daddr", 16, 4)]
        case .ipv6: [field("nexthdr", 6, 1), field("saddr", 8, 16), field("daddr", 24, 16)]
        case .tcp: [field("sport", 0, 2), field("dport", 2, 2)]
        }
    }

    public func field(named name: String) -> HeaderField? {
        fields.first { $0.name == name }
    }

    /// What a rule must have matched before it may load this header's fields in a table of
    /// `family`: nil where the header cannot be reached there.
    public func selector(in family: TableFamily) -> ProtocolSelector? {
        switch (self, family) {
        case (.ipv4, .ip), (.ipv6, .ip6): .implied
        case (.ipv4, .inet): .meta(.nfproto, [NetworkProtocolNumbers.nfprotoIPv4])
        case (.ipv6, .inet): .meta(.nfproto, [NetworkProtocolNumbers.nfprotoIPv6])
        case (.ipv4, .netdev), (.ipv4, .bridge): .meta(.protocol, EtherType.ipv4.bytes)
        case (.ipv6, .netdev), (.ipv6, .bridge): .meta(.protocol, EtherType.ipv6.bytes)
        case (.tcp, .ip), (.tcp, .ip6), (.tcp, .inet), (.tcp, .netdev), (.tcp, .bridge):
            .meta(.l4proto, [NetworkProtocolNumbers.tcp])
        // A bridge port is always Ethernet; a netdev device need not be, and nft puts
        // `meta iiftype ether` before the first Ethernet field (seen in --debug=netlink).
        case (.ethernet, .bridge): .implied
        case (.ethernet, .netdev): .meta(.inputInterfaceType, NetworkProtocolNumbers.arphrdEther)
        case (.vlan, .netdev), (.vlan, .bridge), (.pppoeSession, .netdev), (.pppoeSession, .bridge): .linkLayerType
        case (.ipv4, _), (.ipv6, _), (.tcp, _), (.ethernet, _), (.vlan, _), (.pppoeSession, _): nil
        }
    }

    /// The header whose selector is `meta KEY == value` in a table of `family`.
    public static func selected(by key: MetaKey, value: [UInt8], in family: TableFamily) -> ProtocolHeader? {
        allCases.first { $0.selector(in: family) == .meta(key, value) }
    }

    /// The IP header of an address family.
    public init(_ family: AddressFamily) {
        self = family == .ipv4 ? .ipv4 : .ipv6
    }

    /// The address family whose header this is, for the two IP headers.
    public var addressFamily: AddressFamily? {
        switch self {
        case .ipv4: .ipv4
        case .ipv6: .ipv6
        case .ethernet, .vlan, .pppoeSession, .tcp: nil
        }
    }
}

/// What selects a header in a rule: nothing (the table family implies it), a `meta` key
/// compared with a value, or the EtherType of the enclosing link-layer header.
public enum ProtocolSelector: Hashable, Sendable {
    case implied
    /// `meta KEY == value`, the value in the register's byte order.
    case meta(MetaKey, [UInt8])
    /// The enclosing header's `type` field names it (an EtherType from `EtherType`).
    case linkLayerType
}

/// One field of a protocol header.
public struct HeaderField: Hashable, Sendable, CustomStringConvertible {
    public let header: ProtocolHeader
    /// nft's name for the field (`saddr`, `type`).
    public let name: String
    /// Bytes from the start of the header.
    public let offset: UInt32
    /// Bytes the field occupies (network byte order).
    public let length: UInt32

    public var base: PayloadBase { header.base }

    /// `ip saddr`, `vlan type`, `pppoe protocol`. Where nft has no keyword the renderers write
    /// a raw load, whose offset depends on the headers stacked before this one.
    public var description: String { "\(header) \(name)" }

    /// The address field of an IP header.
    public static func address(_ family: AddressFamily, _ field: AddressField) -> HeaderField {
        ProtocolHeader(family).field(named: field.rawValue)!
    }

    /// Which address field a load of `length` bytes (a prefix may load fewer) at `offset` from
    /// the network header reads, trying `families` in order.
    public static func address(atNetworkOffset offset: UInt32, length: UInt32,
                               families: [AddressFamily]) -> (AddressFamily, AddressField)? {
        for family in families {
            for field in AddressField.allCases {
                let candidate = address(family, field)
                if candidate.offset == offset && length >= 1 && length <= candidate.length { return (family, field) }
            }
        }
        return nil
    }
}

/// EtherTypes (IEEE Registration Authority) of the headers above, in network byte order.
public enum EtherType: UInt16, Hashable, Sendable, CaseIterable {
    case ipv4 = 0x0800
    case ipv6 = 0x86dd
    case vlan8021Q = 0x8100
    case vlan8021AD = 0x88a8
    /// The pre-standard QinQ tag some switches still send; the kernel does not offload it.
    case vlan9100 = 0x9100
    case pppoeSession = 0x8864

    public var bytes: [UInt8] { [UInt8(rawValue >> 8), UInt8(rawValue & 0xff)] }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 2 else { return nil }
        self.init(rawValue: UInt16(bytes[0]) << 8 | UInt16(bytes[1]))
    }

    /// The tags the kernel moves into skb metadata before the ingress and bridge hooks
    /// (`eth_type_vlan`), and that nft's protocol context reads a `vlan` header behind.
    public var isOffloadedTag: Bool { self == .vlan8021Q || self == .vlan8021AD }

    /// `0x8864`.
    public var hex: String { NftSyntax.hex(bytes, minimumDigits: 4) }

    /// As nft 1.0.6 lists an `ether type`/`vlan type` value: its symbol from nft's
    /// ethertype table, else four hex digits.
    public var nftName: String {
        switch self {
        case .ipv4: "ip"
        case .ipv6: "ip6"
        case .vlan8021Q: "8021q"
        case .vlan8021AD: "8021ad"
        case .pppoeSession, .vlan9100: hex
        }
    }

    /// The header a frame with this EtherType carries next.
    public var header: ProtocolHeader {
        switch self {
        case .ipv4: .ipv4
        case .ipv6: .ipv6
        case .vlan8021Q, .vlan8021AD, .vlan9100: .vlan
        case .pppoeSession: .pppoeSession
        }
    }
}

/// Protocol numbers the selectors compare with.
public enum NetworkProtocolNumbers {
    /// `NFPROTO_IPV4` / `NFPROTO_IPV6` (linux/netfilter.h), the values `meta nfproto` loads.
    public static let nfprotoIPv4: UInt8 = 2
    public static let nfprotoIPv6: UInt8 = 10
    /// IANA protocol number of TCP, the value `meta l4proto` loads.
    public static let tcp: UInt8 = 6
    /// `ARPHRD_ETHER` (linux/if_arp.h) as `meta iiftype` loads it: a u16 in host order.
    public static let arphrdEther: [UInt8] = [1, 0]
}
