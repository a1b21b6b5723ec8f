/// The Linux receive path's own address checks (ADDRESSES.md), which run whether or not
/// any nftables rule exists. The evaluator applies them at the point where the kernel does;
/// the verifier proves spoofguard's guard without them and uses them only to say where the
/// kernel would drop a packet as well.
public enum KernelStage: Hashable, Sendable, CustomStringConvertible {
    /// `ip6_rcv_core`: ::1 as source or destination on a device that is neither loopback
    /// nor an L3 master (VRF). Runs before the prerouting hook.
    case ipv6LoopbackAddress(AddressField)
    /// `ip6_rcv_core`: a multicast source address.
    case ipv6MulticastSource
    /// `ip_route_input_slow` / `ip_mc_validate_source`: runs after the prerouting hook.
    case ipv4MartianSource(Martian)
    case ipv4MartianDestination(Martian)
    /// A frame still wrapped after the ingress hook (a second tag, a 0x9100 tag, PPPoE) on a
    /// device that is not a bridge port: no protocol handler takes it as IP, so it never
    /// reaches prerouting on this device. (With a VLAN or PPPoE device for it, the packet
    /// arrives again on that device, as a packet of its own.)
    case wrappedFrame(LinkEncapsulation.Kind)

    public enum Martian: String, Hashable, Sendable {
        case loopback = "127/8"
        case unspecified = "0.0.0.0"
        case multicastOrBroadcast = "multicast or limited broadcast"
    }

    public var description: String {
        switch self {
        case .ipv6LoopbackAddress(let field):
            "ipv6 core: ::1 \(field == .source ? "source" : "destination") on non-loopback device"
        case .ipv6MulticastSource: "ipv6 core: multicast source"
        case .ipv4MartianSource(let martian): "ipv4 route input: martian source \(martian.rawValue)"
        case .ipv4MartianDestination(let martian): "ipv4 route input: martian destination \(martian.rawValue)"
        case .wrappedFrame(let encapsulation): "link layer: \(encapsulation) frame, not IP to the stack on this device"
        }
    }
}

enum KernelChecks {
    static let ipv4Loopback = IPv4Prefix(network: IPv4Address(127, 0, 0, 0), length: 8)!
    /// Only 0.0.0.0 itself: since Linux 5.3 ("Allow 0.0.0.0/8 as a valid address range")
    /// ipv4_is_zeronet() tests for 0.0.0.0 alone; the kernel lab confirmed it on 6.18 (packets
    /// to 0.1.2.3 are forwarded). ADDRESSES.md's "destination 0.0.0.0/8 is dropped" predates that.
    static let ipv4Unspecified = IPv4Prefix(host: IPv4Address(0, 0, 0, 0))
    static let ipv4Multicast = IPv4Prefix(network: IPv4Address(224, 0, 0, 0), length: 4)!
    /// 224.0.0.0/24: link-local multicast, which a 0/8 source may still reach.
    static let ipv4LocalMulticast = IPv4Prefix(network: IPv4Address(224, 0, 0, 0), length: 24)!
    static let ipv4LimitedBroadcast = IPv4Address(255, 255, 255, 255)
    static let ipv6Multicast = IPv6Prefix(network: IPv6Address(bits: 0xff << 120), length: 8)!

    /// `ip6_rcv_core`, before prerouting. Loopback and VRF devices are exempt from the ::1 check.
    static func ipv6Core(source: IPv6Address, destination: IPv6Address, kind: InputInterface.Kind) -> KernelStage? {
        if kind != .loopback && kind != .vrf {
            if source == .loopback { return .ipv6LoopbackAddress(.source) }
            if destination == .loopback { return .ipv6LoopbackAddress(.destination) }
        }
        if ipv6Multicast.contains(source) { return .ipv6MulticastSource }
        return nil
    }

    /// The IPv4 route-input martian checks, after prerouting, in the kernel's order.
    /// Loopback-device packets are locally generated and already carry a route: no check.
    static func ipv4RouteInput(source: IPv4Address, destination: IPv4Address, kind: InputInterface.Kind,
                               routeLocalnet: Bool) -> KernelStage? {
        if kind == .loopback { return nil }
        if ipv4Multicast.contains(destination) {
            // ip_mc_validate_source (the IGMP exemption for 0/8 sources is not modelled).
            if ipv4Multicast.contains(source) || source == ipv4LimitedBroadcast { return .ipv4MartianSource(.multicastOrBroadcast) }
            if ipv4Loopback.contains(source) && !routeLocalnet { return .ipv4MartianSource(.loopback) }
            if ipv4Unspecified.contains(source) && !ipv4LocalMulticast.contains(destination) { return .ipv4MartianSource(.unspecified) }
            return nil
        }
        if ipv4Multicast.contains(source) || source == ipv4LimitedBroadcast { return .ipv4MartianSource(.multicastOrBroadcast) }
        // Limited broadcast (and 0.0.0.0 → 0.0.0.0) goes to broadcast input: DHCP works.
        if destination == ipv4LimitedBroadcast || (source.bits == 0 && destination.bits == 0) { return nil }
        if ipv4Unspecified.contains(source) { return .ipv4MartianSource(.unspecified) }
        if ipv4Unspecified.contains(destination) { return .ipv4MartianDestination(.unspecified) }
        if ipv4Loopback.contains(destination) {
            return routeLocalnet ? nil : .ipv4MartianDestination(.loopback)
        }
        if ipv4Loopback.contains(source) && !routeLocalnet { return .ipv4MartianSource(.loopback) }
        return nil
    }

    /// Address classes on which the checks above are constant: every cell (source class ×
    /// destination class) is either dropped entirely or not at all, which lets the verifier
    /// turn the concrete checks into an exact region without restating them.
    static var ipv4SourceCells: [IPv4Set] {
        let special = [ipv4Multicast.range, ipv4LimitedBroadcast.bits...ipv4LimitedBroadcast.bits,
                       ipv4Unspecified.range, ipv4Loopback.range]
        return partition(of: special + [0...0], IPv4Address.self)
    }

    static var ipv4DestinationCells: [IPv4Set] {
        let special = [ipv4LocalMulticast.range, ipv4Multicast.range, ipv4LimitedBroadcast.bits...ipv4LimitedBroadcast.bits,
                       ipv4Unspecified.range, ipv4Loopback.range]
        return partition(of: special + [0...0], IPv4Address.self)
    }

    static var ipv6SourceCells: [IPv6Set] { partition(of: [1...1, ipv6Multicast.range], IPv6Address.self) }
    static var ipv6DestinationCells: [IPv6Set] { partition(of: [1...1], IPv6Address.self) }

    /// The coarsest partition of the address space into sets on which membership in each
    /// of `ranges` is constant. Every cell is a non-empty interval set.
    static func partition<Address: IPAddressProtocol>(of ranges: [ClosedRange<Address.Bits>], _: Address.Type) -> [IntervalSet<Address>] {
        var cells: [IntervalSet<Address>] = [.all]
        for range in ranges {
            let piece = IntervalSet<Address>(ranges: [range])
            cells = cells.flatMap { cell in
                [cell.intersection(piece), cell.subtracting(piece)].filter { !$0.isEmpty }
            }
        }
        return cells
    }
}
