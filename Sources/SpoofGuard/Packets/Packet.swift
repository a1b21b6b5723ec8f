/// A packet as the evaluator sees it: where it arrived, its addresses, and enough of the
/// transport header to show in output. Built from JSON packet lists or decoded from captures.
public struct Packet: Hashable, Sendable {
    public var inputInterface: InputInterface
    public var source: IPAddress
    public var destination: IPAddress
    public var transport: TransportProtocol?
    public var sourcePort: UInt16?
    public var destinationPort: UInt16?
    /// Layer-3 length in bytes (IP header + payload), which is what nftables counters add up.
    public var length: Int
    /// The tags and PPPoE session the frame carried the packet in. After `length` so that it
    /// starts aligned, as in `PacketFields`, which copies it from here once per packet.
    public var encapsulation: LinkEncapsulation = .untagged
    /// `net.ipv4.conf.<dev>.route_localnet` for the input device (off unless given).
    public var routeLocalnet: Bool
    /// The verdict the input file expects, if it says (`"expect": "drop"`).
    public var expected: ExpectedVerdict?

    public init(inputInterface: InputInterface, source: IPAddress, destination: IPAddress,
                transport: TransportProtocol? = nil, sourcePort: UInt16? = nil, destinationPort: UInt16? = nil,
                length: Int? = nil, routeLocalnet: Bool = false, expected: ExpectedVerdict? = nil) {
        precondition(source.family == destination.family, "source and destination differ in family")
        self.inputInterface = inputInterface
        self.source = source
        self.destination = destination
        self.transport = transport
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.length = length ?? Int(ProtocolHeader(source.family).length) + (transport?.minimumHeaderLength ?? 0)
        self.routeLocalnet = routeLocalnet
        self.expected = expected
    }

    public var family: AddressFamily { source.family }
}

/// The device a packet arrived on, and what kind of device it is: the kernel treats
/// loopback and VRF (L3 master) devices differently, and bridge ports see bridge-family hooks.
public struct InputInterface: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable, CaseIterable, Codable {
        case loopback, ordinary, bridgePort = "bridge-port", vrf
    }
    public var name: String
    public var kind: Kind

    public init(name: String, kind: Kind? = nil) {
        self.name = name
        self.kind = kind ?? (name == "lo" ? .loopback : .ordinary)
    }

    public var description: String { name }
}

public enum TransportProtocol: Hashable, Sendable, CustomStringConvertible {
    case tcp, udp, icmp, icmpv6
    case other(UInt8)

    public init(number: UInt8) {
        switch number {
        case NetworkProtocolNumbers.tcp: self = .tcp
        case NetworkProtocolNumbers.udp: self = .udp
        case 1: self = .icmp
        case 58: self = .icmpv6
        default: self = .other(number)
        }
    }

    public var number: UInt8 {
        switch self {
        case .tcp: NetworkProtocolNumbers.tcp
        case .udp: NetworkProtocolNumbers.udp
        case .icmp: 1
        case .icmpv6: 58
        case .other(let number): number
        }
    }

    var minimumHeaderLength: Int {
        switch self {
        case .tcp: Int(ProtocolHeader.tcp.length)
        case .udp, .icmp, .icmpv6: 8
        case .other: 0
        }
    }

    public var description: String {
        switch self {
        case .tcp: "tcp"
        case .udp: "udp"
        case .icmp: "icmp"
        case .icmpv6: "icmpv6"
        case .other(let number): "proto-\(number)"
        }
    }
}

/// What an input file says should happen to a packet.
public enum ExpectedVerdict: String, Hashable, Sendable, CaseIterable, Codable {
    case accept, drop
}
