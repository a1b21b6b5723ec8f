import SpoofGuard

/// Seeded random packets for the agreement test and `spoofguard try`: guarded and unguarded
/// sources and destinations of both families (the policy's own prefixes, loopback and its
/// disguised IPv6 forms, ordinary and the router's own addresses, unspecified), UDP, TCP and
/// ICMP, on every lab interface — including `lo`, where packets are sent by a local socket —
/// and sometimes VLAN-tagged when bridged. The same seed gives the same packets.
public struct PacketGenerator: Sendable {
    public let seed: UInt64
    private var random: SeededGenerator
    private let interfaces: [InputInterface]
    private let guardedSources: [IPPrefix]
    private let guardedDestinations: [IPPrefix]

    public init(topology: LabTopology, policy: Policy, seed: UInt64) {
        self.seed = seed
        random = SeededGenerator(seed: seed)
        interfaces = topology.inputInterfaces
        guardedSources = policy.guardedSources.flatMap(\.prefixes)
        guardedDestinations = policy.guardedDestinations.flatMap(\.prefixes)
    }

    static let loopbackLike: [String] = [
        "127.0.0.1", "127.255.255.254", "::1",
        "::ffff:127.0.0.1", "::127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::1", "2001:0:7f00:1::1",
    ]
    static let ordinary: [String] = [
        "198.51.100.7", "203.0.113.9", "10.1.2.3", "2001:db8:9::9", "2001:db8:7::7",
        "::ffff:198.51.100.7", "64:ff9b::c633:6407", "2002:c633:6407::1",
    ]
    static let localIPv4: [String] = ["192.0.2.1", "127.0.0.1", "127.3.2.1"]
    static let localIPv6: [String] = ["2001:db8:1::1", "::1"]

    public mutating func next() -> Injection {
        let interface = interfaces[pick(interfaces.count, weights: interfaces.map { $0.kind == .loopback ? 1 : 3 })]
        let family: AddressFamily = chance(1, in: 2) ? .ipv4 : .ipv6
        let packet: Packet
        if interface.kind == .loopback {
            packet = localPacket(family: family)
        } else {
            let source = address(family, guarded: guardedSources, includeUnspecified: true)
            var destination = address(family, guarded: guardedDestinations, includeUnspecified: false)
            if chance(1, in: 3) {   // a third go to the router itself
                destination = family == .ipv4 ? .v4(LabTopology.localIPv4) : .v6(LabTopology.localIPv6)
            } else if family == .ipv4 && source == .v4(.zero) && chance(1, in: 4) {
                destination = .v4(IPv4Address(255, 255, 255, 255))   // the DHCP exception
            }
            if source == .v6(.zero) {
                // `::` is a source only while a host configures itself (DAD, RFC 4291 §2.5.2), and
                // ip6_forward drops it — a routing decision outside the model: send it to the router.
                destination = .v6(LabTopology.localIPv6)
            }
            let transports: [TransportProtocol] = family == .ipv4 ? [.udp, .tcp, .icmp] : [.udp, .tcp, .icmpv6]
            let transport = transports[pick(transports.count)]
            let routeLocalnet = family == .ipv4 && interface.kind == .ordinary && chance(1, in: 8)
            packet = Packet(inputInterface: interface, source: source, destination: destination, transport: transport,
                            sourcePort: UInt16(truncatingIfNeeded: 1024 + pick(60000)), destinationPort: KernelLab.discardPort,
                            length: (family == .ipv4 ? 20 : 40) + 20 + pick(200), routeLocalnet: routeLocalnet)
        }
        var injected = packet
        // Bridged frames come untagged, with one 802.1Q tag, or in each encapsulation the
        // bridge hook sees still wrapped (QinQ, PPPoE: issue 14). A wrapped frame on a routed
        // port would be no IP to the stack, which the lab's IP counters cannot account for.
        if interface.kind == .bridgePort && chance(1, in: 3) {
            var encapsulation = LinkEncapsulation.guarded[pick(LinkEncapsulation.guarded.count)]
            for index in encapsulation.tags.indices { encapsulation.tags[index].tci = UInt16(1 + pick(4094)) }
            if encapsulation.pppoeSession != nil { encapsulation.pppoeSession = UInt16(1 + pick(0xfffe)) }
            injected.encapsulation = encapsulation
        }
        let vlanID: UInt16? = interface.kind == .bridgePort && injected.encapsulation == .untagged && chance(1, in: 4)
            ? UInt16(1 + pick(4094)) : nil
        return Injection(injected, vlanID: vlanID)
    }

    public mutating func next(_ count: Int) -> [Injection] { (0..<count).map { _ in next() } }

    /// Traffic a local socket can send through `lo`: between the router's own addresses (a
    /// socket cannot send from a foreign address without IP_TRANSPARENT).
    private mutating func localPacket(family: AddressFamily) -> Packet {
        let sources = family == .ipv4 ? Self.localIPv4 : Self.localIPv6
        let destinations = family == .ipv4 ? Self.localIPv4 : Self.localIPv6
        return Packet(inputInterface: InputInterface(name: "lo"),
                      source: try! IPAddress(parsing: sources[pick(sources.count)]),
                      destination: try! IPAddress(parsing: destinations[pick(destinations.count)]),
                      transport: .udp, sourcePort: UInt16(truncatingIfNeeded: 1024 + pick(60000)),
                      destinationPort: KernelLab.discardPort, length: (family == .ipv4 ? 28 : 48) + pick(200))
    }

    /// An address of `family`: inside a guarded prefix, loopback-like, ordinary, or unspecified.
    private mutating func address(_ family: AddressFamily, guarded: [IPPrefix], includeUnspecified: Bool) -> IPAddress {
        let ofFamily = guarded.filter { $0.family == family }
        switch pick(10) {
        case 0..<3 where !ofFamily.isEmpty:
            return inside(ofFamily[pick(ofFamily.count)])
        case 0..<5:
            let candidates = Self.loopbackLike.compactMap { try? IPAddress(parsing: $0) }.filter { $0.family == family }
            return candidates[pick(candidates.count)]
        case 5 where includeUnspecified:
            return family == .ipv4 ? .v4(.zero) : .v6(.zero)
        default:
            let candidates = Self.ordinary.compactMap { try? IPAddress(parsing: $0) }.filter { $0.family == family }
            return candidates[pick(candidates.count)]
        }
    }

    /// A random address inside `prefix`, avoiding multicast and broadcast forms the lab cannot deliver.
    private mutating func inside(_ prefix: IPPrefix) -> IPAddress {
        switch prefix {
        case .v4(let p):
            let host = UInt32(truncatingIfNeeded: random.next()) & ~p.mask
            return .v4(IPv4Address(bits: p.network.bits | host))
        case .v6(let p):
            let host = (UInt128(random.next()) << 64 | UInt128(random.next())) & ~p.mask
            return .v6(IPv6Address(bits: p.network.bits | host))
        }
    }

    private mutating func pick(_ count: Int, weights: [Int]? = nil) -> Int {
        guard let weights else { return Int(random.next() % UInt64(count)) }
        var ticket = Int(random.next() % UInt64(weights.reduce(0, +)))
        for (index, weight) in weights.enumerated() {
            if ticket < weight { return index }
            ticket -= weight
        }
        return count - 1
    }

    private mutating func chance(_ numerator: UInt64, in denominator: UInt64) -> Bool {
        random.next() % denominator < numerator
    }
}
