/// What a loaded spoofguard table does, for `status`: its hooks, guarded interfaces and
/// prefixes, per-rule counters, and which of the interfaces that exist now it guards.
public struct LoadedGuard: Sendable, Equatable {
    public struct TableSummary: Sendable, Equatable {
        public var family: String
        public var name: String
        /// Interface patterns the guard rules apply to, and those they exclude (`!= @internal`).
        public var guardedInterfaces: [String]
        public var excludedInterfaces: [String]
        /// Prefixes dropped (or rejected) by source and by destination address; `@name` for
        /// an address set whose elements were not read (`status` without `--elements`).
        public var guardedSources: [String]
        public var guardedDestinations: [String]
        public var chains: [ChainSummary]
        public var sets: [SetSummary]
        /// Whether the table carries spoofguard's ownership mark (`TableOwnership`).
        public var marked: Bool
    }

    public struct ChainSummary: Sendable, Equatable {
        public var name: String
        /// e.g. "prerouting priority -300" or "ingress priority 0 devices eth0,eth1"; nil for regular chains.
        public var hook: String?
        public var rules: [RuleSummary]
    }

    public struct RuleSummary: Sendable, Equatable {
        public var comment: String?
        public var handle: UInt64?
        public var text: String
        public var packets: UInt64?
        public var bytes: UInt64?
    }

    public struct SetSummary: Sendable, Equatable {
        public var name: String
        public var type: String
        /// nil when not read: address sets unless `status --elements` (their dump is the slow,
        /// quadratic part of a read).
        public var elements: [String]?
    }

    public struct InterfaceCoverage: Sendable, Equatable {
        public var name: String
        public var guarded: Bool
        /// The tables ("inet spoofguard") whose base chains guard it.
        public var guardedBy: [String]
    }

    public var present: Bool
    public var tables: [TableSummary]
    public var interfaces: [InterfaceCoverage]
    /// What the kernel's netdev hooks accept; nil when the probe could not run.
    public var kernelFeatures: KernelFeatures?

    /// `addressElementsRead` false: the ruleset was read without the elements of its address
    /// sets, which are then reported as not read rather than empty.
    public init(ruleset: Ruleset, existingInterfaces: [String], addressElementsRead: Bool = true) {
        present = !ruleset.tables.isEmpty
        let unread: (NamedSet) -> Bool = { !addressElementsRead && $0.key != .interfaceName }
        tables = ruleset.tables.map { table in
            let scope = Self.scope(of: table, unread: unread)
            return TableSummary(
                family: table.family.rawValue, name: table.name,
                guardedInterfaces: scope.guarded, excludedInterfaces: scope.excluded,
                guardedSources: scope.sources, guardedDestinations: scope.destinations,
                chains: table.chains.map { chain in
                    ChainSummary(name: chain.name, hook: chain.base.map { Self.describe($0, family: table.family) }, rules: chain.rules.map { rule in
                        RuleSummary(comment: rule.comment, handle: rule.handle, text: NftTextRenderer.render(rule, in: table),
                                    packets: rule.counter?.packets, bytes: rule.counter?.bytes)
                    })
                },
                sets: table.sets.map { set in
                    SetSummary(name: set.name, type: set.key.rawValue, elements: unread(set) ? nil : Self.describe(set.elements))
                },
                marked: TableOwnership.isMarked(table))
        }
        interfaces = existingInterfaces.map { name in
            let guardedBy = ruleset.tables.filter { Self.guards($0, interface: name) }.map { "\($0.family.rawValue) \($0.name)" }
            return InterfaceCoverage(name: name, guarded: !guardedBy.isEmpty, guardedBy: guardedBy)
        }
    }

    /// What the acting rules of the base chains (and the chains they divert to) cover.
    static func scope(of table: Table, unread: (NamedSet) -> Bool = { _ in false })
        -> (guarded: [String], excluded: [String], sources: [String], destinations: [String]) {
        // A seen-set per list: `list.contains` made a 100 k-prefix table take seconds (quadratic).
        struct UniqueList {
            var items: [String] = []
            var seen: Set<String> = []
            mutating func add(_ values: [String]) {
                for value in values where seen.insert(value).inserted { items.append(value) }
            }
        }
        var guarded = UniqueList(), excluded = UniqueList(), sources = UniqueList(), destinations = UniqueList()
        for chain in table.chains where chain.base != nil {
            guarded.add(chain.base?.devices ?? [])
            for rule in chain.rules where acts(rule) {
                for case .match(let match) in rule.statements {
                    let values: [String] = switch match.value {
                    case .set(let name): table.set(named: name).map { unread($0) ? ["@" + name] : describe($0.elements) } ?? []
                    case .interface(let pattern): [pattern.description]
                    case .prefix(.v4(let prefix)): [IPv4Set.describe(prefix.range)]
                    case .prefix(.v6(let prefix)): [IPv6Set.describe(prefix.range)]
                    case .family, .bytes: []
                    }
                    switch match.subject {
                    case .inputInterfaceName: match.isNegated ? excluded.add(values) : guarded.add(values)
                    case .address(_, .source): if !match.isNegated { sources.add(values) }
                    case .address(_, .destination): if !match.isNegated { destinations.add(values) }
                    case .payload(let load):
                        switch load.encapsulatedAddress?.field {
                        case .source?: if !match.isNegated { sources.add(values) }
                        case .destination?: if !match.isNegated { destinations.add(values) }
                        case nil: break
                        }
                    case .networkFamily: break
                    }
                }
            }
        }
        return (guarded.items, excluded.items, sources.items, destinations.items)
    }

    /// e.g. `prerouting priority raw`, with nft's name for the priority where it has one.
    static func describe(_ base: BaseChain, family: TableFamily) -> String {
        let value = base.priority.rawValue
        let name = Priority.names(in: family).first { $0.value == value }?.name ?? String(value)
        var text = "\(base.hook.rawValue) priority \(name)"
        if !base.devices.isEmpty { text += " devices \(base.devices.joined(separator: ","))" }
        return text
    }

    public static func describe(_ elements: SetElements) -> [String] {
        switch elements {
        case .ipv4(let set): set.ranges.map { IPv4Set.describe($0) }
        case .ipv6(let set): set.ranges.map { IPv6Set.describe($0) }
        case .interfaces(let patterns): patterns.map(\.description)
        }
    }

    /// Whether some rule of a base chain that sees packets from `interface` drops or diverts them.
    static func guards(_ table: Table, interface: String) -> Bool {
        for chain in table.chains {
            guard let base = chain.base else { continue }
            // A device ending in `*` is a prefix (NFTA_DEVICE_PREFIX): it binds every name it starts.
            if !base.devices.isEmpty
                && !base.devices.contains(where: { (try? InterfacePattern(parsing: $0))?.matches(interface) ?? ($0 == interface) }) { continue }
            for rule in chain.rules where acts(rule) && interfaceMatches(rule, interface, in: table) {
                return true
            }
        }
        return false
    }

    static func acts(_ rule: Rule) -> Bool {
        rule.statements.contains { statement in
            switch statement {
            case .verdict(.drop), .verdict(.goto), .verdict(.jump), .reject: true
            case .verdict(.accept), .verdict(.continue), .verdict(.return), .match, .counter, .limit, .log: false
            }
        }
    }

    static func interfaceMatches(_ rule: Rule, _ interface: String, in table: Table) -> Bool {
        for case .match(let match) in rule.statements where match.subject == .inputInterfaceName {
            let hit: Bool
            switch match.value {
            case .interface(let pattern): hit = pattern.matches(interface)
            case .set(let name):
                guard case .interfaces(let patterns)? = table.set(named: name)?.elements else { return false }
                hit = patterns.contains { $0.matches(interface) }
            case .prefix, .family, .bytes: return false
            }
            if hit == match.isNegated { return false }
        }
        return true
    }
}
