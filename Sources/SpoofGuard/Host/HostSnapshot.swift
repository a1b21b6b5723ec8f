/// What a running host's receive path looks like, read once: its links, default routes,
/// receive-path sysctls, every nf_tables base chain (with enough of each rule to tell what
/// it does to a packet), spoofguard's own tables and the iptables-legacy tables beside them.
/// A plain value: the audit reasons over it without privileges, and tests build it by hand.
public struct HostSnapshot: Hashable, Sendable {
    public var links: [HostLink]
    public var defaultRoutes: [DefaultRoute]
    public var sysctls: ReceiveSysctls
    /// Base chains of every table, spoofguard's included, in every family.
    public var chains: [HostChain]
    /// The name of spoofguard's table and what the kernel holds under it (delinearized).
    public var guardTable: String
    public var guardRuleset: Ruleset
    /// Set when a table of that name holds what spoofguard cannot raise to its IR
    /// (someone edited it by hand): the reason, naming the expression.
    public var guardUnreadable: String?
    /// What the kernel's netdev hooks accept; nil when the probe could not run.
    public var kernelFeatures: KernelFeatures?
    public var legacyTables: [LegacyTables]

    public init(links: [HostLink] = [], defaultRoutes: [DefaultRoute] = [], sysctls: ReceiveSysctls = ReceiveSysctls(),
                chains: [HostChain] = [], guardTable: String = Policy.defaultTable, guardRuleset: Ruleset = Ruleset(),
                guardUnreadable: String? = nil, legacyTables: [LegacyTables] = []) {
        self.links = links
        self.defaultRoutes = defaultRoutes
        self.sysctls = sysctls
        self.chains = chains
        self.guardTable = guardTable
        self.guardRuleset = guardRuleset
        self.guardUnreadable = guardUnreadable
        self.legacyTables = legacyTables
    }
}

/// One network device (RTM_NEWLINK).
public struct HostLink: Hashable, Sendable {
    public var name: String
    public var index: Int32
    /// IFLA_INFO_KIND; nil for devices without one (physical NICs, lo).
    public var kind: LinkKind?
    /// IFLA_LINK: the lower device of a VLAN, macvlan, ipvlan or tunnel, when it lives in
    /// this namespace (a veth peer or lower device elsewhere has a link-netnsid and is left out).
    public var lowerIndex: Int32?
    /// IFLA_MASTER: the bridge, bond or VRF this device is a port of.
    public var masterIndex: Int32?
    public var operState: OperState
    /// The device's IPv4 settings (net.ipv4.conf.NAME.*), as the link dump carries them;
    /// nil for a device without IPv4 (no in_device).
    public var ipv4Settings: IPv4DeviceSettings?

    public init(name: String, index: Int32, kind: LinkKind? = nil, lowerIndex: Int32? = nil, masterIndex: Int32? = nil,
                operState: OperState = .up, ipv4Settings: IPv4DeviceSettings? = nil) {
        self.name = name
        self.index = index
        self.kind = kind
        self.lowerIndex = lowerIndex
        self.masterIndex = masterIndex
        self.operState = operState
        self.ipv4Settings = ipv4Settings
    }
}

/// The receive-path entries of a device's IPv4 configuration (IFLA_INET_CONF).
public struct IPv4DeviceSettings: Hashable, Sendable {
    public var routeLocalnet: Int
    public var rpFilter: Int
    public var acceptLocal: Int

    public init(routeLocalnet: Int = 0, rpFilter: Int = 0, acceptLocal: Int = 0) {
        self.routeLocalnet = routeLocalnet
        self.rpFilter = rpFilter
        self.acceptLocal = acceptLocal
    }
}

/// IFLA_INFO_KIND, as the kernel names the rtnl_link_ops.
public struct LinkKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let bridge = LinkKind(rawValue: "bridge")
    public static let veth = LinkKind(rawValue: "veth")
    public static let macvlan = LinkKind(rawValue: "macvlan")
    public static let vxlan = LinkKind(rawValue: "vxlan")

    /// Devices stacked on a lower device whose frames arrive under their own name
    /// (802.1Q and 802.1ad both have kind `vlan`).
    public var isStacked: Bool { ["vlan", "macvlan", "macvtap", "ipvlan", "ipvtap"].contains(rawValue) }

    /// Tunnels: inner packets are received again with the tunnel's own ifindex.
    public var isTunnel: Bool {
        ["gre", "gretap", "erspan", "ipip", "sit", "ip6tnl", "ip6gre", "ip6gretap", "ip6erspan", "vti", "vti6",
         "vxlan", "geneve", "wireguard", "bareudp", "xfrm"].contains(rawValue)
    }
}

/// IF_OPER_* (RFC 2863 operational status).
public enum OperState: String, Hashable, Sendable, CaseIterable {
    case unknown, notPresent = "notpresent", down, lowerLayerDown = "lowerlayerdown", testing, dormant, up

    public init(kernelValue: UInt8) {
        self = switch kernelValue {
        case 1: .notPresent
        case 2: .down
        case 3: .lowerLayerDown
        case 4: .testing
        case 5: .dormant
        case 6: .up
        default: .unknown
        }
    }
}

/// A route to 0.0.0.0/0 or ::/0 and the links it leaves through (several for multipath).
public struct DefaultRoute: Hashable, Sendable {
    public var family: AddressFamily
    public var interfaceIndices: [Int32]
    /// The routing table (254 is main).
    public var table: UInt32

    public init(family: AddressFamily, interfaceIndices: [Int32], table: UInt32 = 254) {
        self.family = family
        self.interfaceIndices = interfaceIndices
        self.table = table
    }
}

/// The sysctls that change what the receive path does with a loopback-addressed packet.
/// Keys are `all`, `default` and interface names, as under /proc/sys/net/ipv4/conf/.
public struct ReceiveSysctls: Hashable, Sendable {
    public var routeLocalnet: [String: Int]
    public var rpFilter: [String: Int]
    public var acceptLocal: [String: Int]
    /// net.bridge.bridge-nf-call-{iptables,ip6tables,arptables}; empty without br_netfilter.
    public var bridgeNetfilter: [String: Int]

    public init(routeLocalnet: [String: Int] = [:], rpFilter: [String: Int] = [:], acceptLocal: [String: Int] = [:],
                bridgeNetfilter: [String: Int] = [:]) {
        self.routeLocalnet = routeLocalnet
        self.rpFilter = rpFilter
        self.acceptLocal = acceptLocal
        self.bridgeNetfilter = bridgeNetfilter
    }

    /// Adds each link's own settings (from the link dump) under its name.
    public mutating func add(_ links: [HostLink]) {
        for link in links {
            guard let settings = link.ipv4Settings else { continue }
            routeLocalnet[link.name] = settings.routeLocalnet
            rpFilter[link.name] = settings.rpFilter
            acceptLocal[link.name] = settings.acceptLocal
        }
    }

    /// The kernel's IN_DEV_ORCONF: `all` or the device's own setting turns it on.
    public func routeLocalnetEnabled(on interface: String) -> Bool {
        (routeLocalnet["all"] ?? 0) != 0 || (routeLocalnet[interface] ?? 0) != 0
    }
}

/// The tables of one legacy x_tables front end (/proc/net/ip_tables_names and its kin):
/// they run at hooks of their own that nf_tables dumps do not show.
public struct LegacyTables: Hashable, Sendable {
    public enum Tool: String, Hashable, Sendable, CaseIterable {
        case iptables, ip6tables, arptables, ebtables
    }
    public var tool: Tool
    public var tables: [String]

    public init(tool: Tool, tables: [String]) {
        self.tool = tool
        self.tables = tables
    }
}
