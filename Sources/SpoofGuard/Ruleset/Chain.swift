/// A chain; a base chain also has a hook, and only base chains see packets directly.
public struct Chain: Hashable, Sendable {
    public var name: String
    public var base: BaseChain?
    public var rules: [Rule]

    public init(name: String, base: BaseChain? = nil, rules: [Rule] = []) {
        self.name = name
        self.base = base
        self.rules = rules
    }
}

public struct BaseChain: Hashable, Sendable {
    public var type: ChainType
    public var hook: Hook
    public var priority: Priority
    public var policy: ChainPolicy
    /// Devices for netdev-family (ingress) chains; empty otherwise.
    public var devices: [String]

    public init(type: ChainType = .filter, hook: Hook, priority: Priority, policy: ChainPolicy = .accept,
                devices: [String] = []) {
        self.type = type
        self.hook = hook
        self.priority = priority
        self.policy = policy
        self.devices = devices
    }
}

public enum ChainType: String, Hashable, Sendable, CaseIterable {
    case filter, route, nat
}

public enum ChainPolicy: String, Hashable, Sendable, CaseIterable {
    case accept, drop

    /// `NF_ACCEPT` / `NF_DROP`.
    public var kernelValue: UInt32 { self == .accept ? 1 : 0 }
}

/// Netfilter hooks. The kernel number depends on the family: ingress is 0 in netdev.
public enum Hook: String, Hashable, Sendable, CaseIterable {
    case prerouting, input, forward, output, postrouting, ingress

    public func kernelNumber(in family: TableFamily) -> UInt32 {
        switch self {
        case .prerouting: 0
        case .input: 1
        case .forward: 2
        case .output: 3
        case .postrouting: 4
        case .ingress: family == .netdev ? 0 : 5   // NF_NETDEV_INGRESS / NF_INET_INGRESS
        }
    }

    public init?(kernelNumber: UInt32, family: TableFamily) {
        guard let hook = Self.allCases.first(where: { $0.kernelNumber(in: family) == kernelNumber
            && (family == .netdev) == ($0 == .ingress) }) else { return nil }
        self = hook
    }
}

/// A base-chain priority. nft prints well-known values by name, and those names depend on
/// the family (in `bridge`, -300 is `dstnat`, not `raw`).
public struct Priority: RawRepresentable, Hashable, Sendable, Comparable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let raw = Priority(rawValue: -300)
    public static let mangle = Priority(rawValue: -150)
    public static let dstnat = Priority(rawValue: -100)
    public static let filter = Priority(rawValue: 0)
    public static let security = Priority(rawValue: 50)
    public static let srcnat = Priority(rawValue: 100)
    public static let bridgeDstnat = Priority(rawValue: -300)
    public static let bridgeFilter = Priority(rawValue: -200)

    /// The named priorities nft knows in `family`, for printing `raw`, `filter + 10` etc.
    public static func names(in family: TableFamily) -> [(name: String, value: Int32)] {
        switch family {
        case .bridge: [("dstnat", -300), ("filter", -200), ("out", 100), ("srcnat", 300)]
        case .netdev: [("filter", 0)]
        default: [("raw", -300), ("mangle", -150), ("dstnat", -100), ("filter", 0), ("security", 50), ("srcnat", 100)]
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
