/// The nftables IR: what spoofguard loads into the kernel and what it reads back.
///
/// Renderers (nft text, nft JSON), the netlink layer (linearize/delinearize), the evaluator
/// and the verifier all consume this one model, so what is proved is what is loaded.
/// Rules are kept at nft's statement level (`iifname @external ip saddr @source_ipv4 counter drop`);
/// `Linearize` lowers them to kernel expressions and `Delinearize` raises them back.
public struct Ruleset: Hashable, Sendable {
    public var tables: [Table]

    public init(tables: [Table] = []) { self.tables = tables }

    public func table(family: TableFamily, name: String) -> Table? {
        tables.first { $0.family == family && $0.name == name }
    }

    /// Rules in every chain of every table, as `apply` reports them.
    public var ruleCount: Int { tables.reduce(0) { $0 + $1.chains.reduce(0) { $0 + $1.rules.count } } }

    /// Elements in every set of every table, as `apply` reports them.
    public var elementCount: Int { tables.reduce(0) { $0 + $1.sets.reduce(0) { $0 + $1.elements.count } } }

    /// The same ruleset with counter values and kernel handles cleared: what "unchanged" means.
    public var withoutRuntimeState: Ruleset {
        Ruleset(tables: tables.map(\.withoutRuntimeState))
    }
}

/// nftables table families, with the NFPROTO value the kernel uses for each.
public enum TableFamily: String, Hashable, Sendable, CaseIterable, Codable {
    case ip, ip6, inet, arp, bridge, netdev

    /// `NFPROTO_*` from linux/netfilter.h.
    public var nfproto: UInt8 {
        switch self {
        case .inet: 1
        case .ip: 2
        case .arp: 3
        case .netdev: 5
        case .bridge: 7
        case .ip6: 10
        }
    }

    public init?(nfproto: UInt8) {
        guard let family = Self.allCases.first(where: { $0.nfproto == nfproto }) else { return nil }
        self = family
    }
}

/// A table and everything in it. spoofguard owns exactly one table per family it uses.
public struct Table: Hashable, Sendable {
    public var family: TableFamily
    public var name: String
    public var flags: TableFlags
    /// Sets come before chains, as nft lists them and as they must be created.
    public var sets: [NamedSet]
    public var chains: [Chain]
    public var comment: String?

    public init(family: TableFamily, name: String, flags: TableFlags = [], sets: [NamedSet] = [],
                chains: [Chain] = [], comment: String? = nil) {
        self.family = family
        self.name = name
        self.flags = flags
        self.sets = sets
        self.chains = chains
        self.comment = comment
    }

    public func set(named name: String) -> NamedSet? { sets.first { $0.name == name } }
    public func chain(named name: String) -> Chain? { chains.first { $0.name == name } }

    public var withoutRuntimeState: Table {
        var table = self
        table.chains = chains.map { chain in
            var chain = chain
            chain.rules = chain.rules.map(\.withoutRuntimeState)
            return chain
        }
        return table
    }
}

/// `NFT_TABLE_F_*`.
public struct TableFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let dormant = TableFlags(rawValue: 0x1)
    public static let owner = TableFlags(rawValue: 0x2)
    public static let persist = TableFlags(rawValue: 0x4)
}
