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

    /// Fields as (name, offset from the header's start, length), all in network byte order:
    /// the rows of `HeaderField` below.
    public var fields: [HeaderField] {
        switch self {
        case .ethernet: [.ethernetDestination, .ethernetSource, .ethernetType]
        case .vlan: [.vlanTCI, .vlanType]
        case .pppoeSession: [.pppoeCode, .pppoeSession, .pppoeLength, .pppoeProtocol]
        case .ipv4: [.ipv4TotalLength, .ipv4FragmentOffset, .ipv4TTL, .ipv4Protocol, .ipv4Source, .ipv4Destination]
        case .ipv6: [.ipv6PayloadLength, .ipv6NextHeader, .ipv6HopLimit, .ipv6Source, .ipv6Destination]
        case .tcp: [.transportSourcePort, .transportDestinationPort]
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

    /// Where the field lies in a header that starts at byte `start` of a frame, for the
    /// decoders (computed properties of literals: they fold to constants in the hot path).
    @inline(__always)
    public func range(from start: Int) -> Range<Int> {
        (start + Int(offset))..<(start + Int(offset) + Int(length))
    }

    /// `ip saddr`, `vlan type`, `pppoe protocol`. Where nft has no keyword the renderers write
    /// a raw load, whose offset depends on the headers stacked before this one.
    public var description: String { "\(header) \(name)" }

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

/// The rows of the table: every field of every header, as nft names it. Computed, not stored,
/// so that `HeaderField.ipv4Source.offset` is the constant 12 wherever it is read.
extension HeaderField {
    public static var ethernetDestination: Self { Self(header: .ethernet, name: "daddr", offset: 0, length: 6) }
    public static var ethernetSource: Self { Self(header: .ethernet, name: "saddr", offset: 6, length: 6) }
    public static var ethernetType: Self { Self(header: .ethernet, name: "type", offset: 12, length: 2) }
    public static var vlanTCI: Self { Self(header: .vlan, name: "tci", offset: 0, length: 2) }
    public static var vlanType: Self { Self(header: .vlan, name: "type", offset: 2, length: 2) }
    public static var pppoeCode: Self { Self(header: .pppoeSession, name: "code", offset: 1, length: 1) }
    public static var pppoeSession: Self { Self(header: .pppoeSession, name: "session", offset: 2, length: 2) }
    public static var pppoeLength: Self { Self(header: .pppoeSession, name: "length", offset: 4, length: 2) }
    public static var pppoeProtocol: Self { Self(header: .pppoeSession, name: "protocol", offset: 6, length: 2) }
    /// The IP header and payload (`ip length`).
    public static var ipv4TotalLength: Self { Self(header: .ipv4, name: "length", offset: 2, length: 2) }
    /// Flags and fragment offset (`ip frag-off`); the offset is the low 13 bits.
    public static var ipv4FragmentOffset: Self { Self(header: .ipv4, name: "frag-off", offset: 6, length: 2) }
    public static var ipv4TTL: Self { Self(header: .ipv4, name: "ttl", offset: 8, length: 1) }
    public static var ipv4Protocol: Self { Self(header: .ipv4, name: "protocol", offset: 9, length: 1) }
    public static var ipv4Source: Self { Self(header: .ipv4, name: "saddr", offset: 12, length: 4) }
    public static var ipv4Destination: Self { Self(header: .ipv4, name: "daddr", offset: 16, length: 4) }
    /// The payload after the fixed header (`ip6 length`).
    public static var ipv6PayloadLength: Self { Self(header: .ipv6, name: "length", offset: 4, length: 2) }
    public static var ipv6NextHeader: Self { Self(header: .ipv6, name: "nexthdr", offset: 6, length: 1) }
    public static var ipv6HopLimit: Self { Self(header: .ipv6, name: "hoplimit", offset: 7, length: 1) }
    public static var ipv6Source: Self { Self(header: .ipv6, name: "saddr", offset: 8, length: 16) }
    public static var ipv6Destination: Self { Self(header: .ipv6, name: "daddr", offset: 24, length: 16) }
    /// The first four bytes of TCP, UDP, DCCP, SCTP and UDP-Lite (`th sport`, `th dport`).
    public static var transportSourcePort: Self { Self(header: .tcp, name: "sport", offset: 0, length: 2) }
    public static var transportDestinationPort: Self { Self(header: .tcp, name: "dport", offset: 2, length: 2) }

    /// An IP header's source or destination address.
    @inline(__always)
    public static func address(_ family: AddressFamily, _ field: AddressField) -> Self {
        switch (family, field) {
        case (.ipv4, .source): .ipv4Source
        case (.ipv4, .destination): .ipv4Destination
        case (.ipv6, .source): .ipv6Source
        case (.ipv6, .destination): .ipv6Destination
        }
    }
}

/// EtherTypes (IEEE Registration Authority) of the headers above, in network byte order.
public enum EtherType: UInt16, Hashable, Sendable, BitwiseCopyable, CaseIterable {
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
    public static let udp: UInt8 = 17
    /// IPv6 extension headers (RFC 8200 §4, IANA "IPv6 Extension Header Types"): hop-by-hop,
    /// routing, fragment, AH, destination options, mobility, HIP, shim6.
    public static let ipv6Fragment: UInt8 = 44
    public static let ipv6Authentication: UInt8 = 51
    @inline(__always)
    public static func isIPv6ExtensionHeader(_ number: UInt8) -> Bool {
        switch number {
        case 0, 43, ipv6Fragment, ipv6Authentication, 60, 135, 139, 140: true
        default: false
        }
    }

    /// The transports whose first four bytes are source and destination port, which is what
    /// nftables' `th` reads: TCP, UDP, DCCP, SCTP, UDP-Lite.
    @inline(__always)
    public static func carriesPorts(_ protocolNumber: UInt8) -> Bool {
        switch protocolNumber {
        case tcp, udp, 33, 132, 136: true
        default: false
        }
    }
    /// `ARPHRD_ETHER` (linux/if_arp.h) as `meta iiftype` loads it: a u16 in host order.
    public static let arphrdEther: [UInt8] = [1, 0]
}
