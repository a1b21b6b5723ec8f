import SpoofGuard

/// Which interfaces the lab builds for a policy, and with which names (pure: no kernel).
///
/// The router namespace gets one veth per interface name the policy makes interesting — a
/// concrete name for each external pattern (`ppp*` → `ppp0`), one for each internal pattern
/// other than `lo`, and one that matches no pattern — each paired with a `peerN` veth in the
/// outside namespace, from which frames are injected. A VLAN device sits on the first guarded
/// veth; a bridge with two ports exists when the policy uses the bridge hook; a dummy
/// `uplink` carries the default routes, so forwarded packets leave by a device nobody injects on.
public struct LabTopology: Hashable, Sendable {
    public struct Link: Hashable, Sendable {
        /// The name in the router namespace (what the policy matches).
        public var name: String
        /// The veth end in the outside namespace that frames are injected from.
        public var peer: String
        public var routerMAC: MACAddress
        public var peerMAC: MACAddress
        /// A bridge port (frames to it are bridged, not routed).
        public var isBridgePort: Bool
    }

    public struct VLAN: Hashable, Sendable {
        public var name: String
        /// The veth the tagged frames arrive on.
        public var parent: String
        public var id: UInt16
    }

    public var links: [Link]
    public var vlan: VLAN?
    public var bridge: String?
    public var uplink = "sguplink0"

    /// Router addresses: packets to these are delivered locally.
    public static let localIPv4 = IPv4Address(192, 0, 2, 1)
    public static let localIPv4Prefix = 24
    public static let localIPv6 = try! IPv6Address(parsing: "2001:db8:1::1")
    public static let localIPv6Prefix = 64
    /// A unicast MAC nobody owns: bridged frames to it are flooded to the other port.
    public static let unknownMAC = MACAddress(bytes: [0x02, 0x53, 0xFF, 0xFF, 0xFF, 0xFE])!

    public init(policy: Policy) {
        let externalPatterns: [InterfacePattern]
        if case .listed(let patterns) = policy.external { externalPatterns = patterns } else { externalPatterns = [] }
        let allPatterns = externalPatterns + policy.internal
        var used: Set<String> = ["lo"]
        var routed: [String] = []
        func take(_ name: String) -> Bool {
            guard !used.contains(name), name.utf8.count <= InterfacePattern.maximumNameLength else { return false }
            used.insert(name)
            return true
        }
        /// A free name that no pattern matches, tried under a few stems (a policy's `sg*` may
        /// cover the first). nil only when a pattern matches everything (`*`).
        func unmatchedName(_ stem: String) -> String? {
            for candidateStem in [stem, "zz" + stem, "x"] {
                for index in 0..<100 {
                    let name = "\(candidateStem)\(index)"
                    if !allPatterns.contains(where: { $0.matches(name) }) && !used.contains(name) { return name }
                }
            }
            return nil
        }
        /// A free name for a device that may be matched (used when nothing unmatched exists).
        func anyFreeName(_ stem: String) -> String {
            var index = 0
            while used.contains("\(stem)\(index)") { index += 1 }
            return "\(stem)\(index)"
        }

        // Bridge ports first, so a literal external name given to the bridge is not also routed.
        var bridgePorts: [String] = []
        if policy.hooks.contains(.bridge) {
            if let wildcard = externalPatterns.first(where: \.isWildcard), take(wildcard.stem + "1") {
                bridgePorts.append(wildcard.stem + "1")
            } else if let literal = externalPatterns.last(where: { !$0.isWildcard }), take(literal.stem) {
                bridgePorts.append(literal.stem)
            } else {
                let name = unmatchedName("sgport") ?? anyFreeName("sgport")
                _ = take(name)
                bridgePorts.append(name)   // with `external` omitted, any non-internal name is guarded
            }
            let other = unmatchedName("sgport") ?? anyFreeName("sgport")
            _ = take(other)
            bridgePorts.append(other)
        }
        for pattern in externalPatterns + policy.internal where pattern != .loopback {
            if take(pattern.exampleName) { routed.append(pattern.exampleName) }
        }
        if let unmatched = unmatchedName("sgfree") {
            _ = take(unmatched)
            routed.append(unmatched)
        }
        if case .allExceptInternal = policy.external {
            let external = unmatchedName("sgext") ?? anyFreeName("sgext")
            _ = take(external)
            routed.insert(external, at: 0)
        }

        var links: [Link] = []
        for (index, name) in (routed + bridgePorts).enumerated() {
            links.append(Link(name: name, peer: "peer\(index)",
                              routerMAC: .locallyAdministered(UInt32(index) << 8 | 1),
                              peerMAC: .locallyAdministered(UInt32(index) << 8 | 2),
                              isBridgePort: bridgePorts.contains(name)))
        }
        self.links = links
        bridge = bridgePorts.isEmpty ? nil : unmatchedName("sgbridge") ?? anyFreeName("sgbridge")
        if let parent = routed.first, (parent + ".7").utf8.count <= InterfacePattern.maximumNameLength {
            vlan = VLAN(name: parent + ".7", parent: parent, id: 7)
        }
    }

    public func link(named name: String) -> Link? { links.first { $0.name == name } }

    /// Every device a packet can arrive on, as the evaluator names it.
    public var inputInterfaces: [InputInterface] {
        var interfaces = links.map { InputInterface(name: $0.name, kind: $0.isBridgePort ? .bridgePort : .ordinary) }
        if let vlan { interfaces.append(InputInterface(name: vlan.name, kind: .ordinary)) }
        interfaces.append(InputInterface(name: "lo", kind: .loopback))
        return interfaces
    }

    /// Where to inject a frame that should arrive on `interface`: the peer veth, the MACs, the VLAN tag.
    func route(for interface: String) -> (link: Link, vlanID: UInt16?)? {
        if let link = link(named: interface) { return (link, nil) }
        if let vlan, vlan.name == interface, let parent = link(named: vlan.parent) { return (parent, vlan.id) }
        return nil
    }
}
