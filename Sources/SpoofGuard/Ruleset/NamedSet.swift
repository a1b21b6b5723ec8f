/// A named set. Its elements carry the key type, so an empty set still knows what it holds.
public struct NamedSet: Hashable, Sendable {
    public var name: String
    public var flags: SetFlags
    public var elements: SetElements
    public var comment: String?
    /// `typeof @ll,272,32`: a set looked up with raw payload loads. nft 1.0.6 refuses to look a
    /// raw load up in an `ipv4_addr` set (datatype mismatch), so such a set holds the same
    /// addresses under nft's integer type, and the load it was declared with is kept in its
    /// user data for `nft list`.
    public var rawKey: RawPayload?

    public init(name: String, flags: SetFlags = [], elements: SetElements, comment: String? = nil, rawKey: RawPayload? = nil) {
        self.name = name
        self.flags = flags
        self.elements = elements
        self.comment = comment
        self.rawKey = rawKey
    }

    public var key: SetKey { elements.key }

    /// NFTA_SET_KEY_TYPE: nft's integer type (4) for a raw-keyed set, else the key's type.
    public var keyTypeID: UInt32 { rawKey == nil ? key.typeID : SetKey.integerTypeID }
}

/// `NFT_SET_*` flags.
public struct SetFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let anonymous = SetFlags(rawValue: 0x1)
    public static let constant = SetFlags(rawValue: 0x2)
    public static let interval = SetFlags(rawValue: 0x4)
}

/// Set key types, with nft's type id and the key length in bytes.
public enum SetKey: String, Hashable, Sendable, CaseIterable {
    case ipv4Address = "ipv4_addr"
    case ipv6Address = "ipv6_addr"
    case interfaceName = "ifname"

    /// nft's `TYPE_INTEGER`, the key type of a `typeof` set over a raw payload load.
    public static let integerTypeID: UInt32 = 4

    /// nft's datatype id (stored in NFTA_SET_KEY_TYPE).
    public var typeID: UInt32 {
        switch self {
        case .ipv4Address: 7
        case .ipv6Address: 8
        case .interfaceName: 41
        }
    }

    public var length: UInt32 {
        switch self {
        case .ipv4Address: 4
        case .ipv6Address: 16
        case .interfaceName: 16
        }
    }
}

/// Elements of a set. Address sets are interval sets (already merged, as the kernel requires);
/// interface sets hold names and prefix wildcards.
public enum SetElements: Hashable, Sendable {
    case ipv4(IPv4Set)
    case ipv6(IPv6Set)
    case interfaces([InterfacePattern])

    public var key: SetKey {
        switch self {
        case .ipv4: .ipv4Address
        case .ipv6: .ipv6Address
        case .interfaces: .interfaceName
        }
    }

    /// Elements as nft counts them: one per range or name.
    public var count: Int {
        switch self {
        case .ipv4(let set): set.ranges.count
        case .ipv6(let set): set.ranges.count
        case .interfaces(let patterns): patterns.count
        }
    }
}
