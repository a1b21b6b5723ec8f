/// A validated policy (format version 1, see DESIGN.md). Every value here has passed
/// validation: decoding is the only way to build one from user input.
public struct Policy: Hashable, Sendable {
    /// Name of spoofguard's own table; nothing else is ever touched.
    public var table: String
    /// Which interfaces are guarded.
    public var external: ExternalInterfaces
    /// Interfaces never filtered. Always contains `lo`.
    public var `internal`: [InterfacePattern]
    /// What to drop, per direction. Each entry keeps the policy text it came from.
    public var guardedSources: [GuardEntry]
    public var guardedDestinations: [GuardEntry]
    public var action: Action
    public var hooks: [PolicyHook]

    public init(table: String = Policy.defaultTable, external: ExternalInterfaces,
                `internal`: [InterfacePattern] = [.loopback], guardedSources: [GuardEntry],
                guardedDestinations: [GuardEntry], action: Action = Action(), hooks: [PolicyHook] = [.prerouting]) {
        self.table = table
        self.external = external
        self.`internal` = `internal`.contains(.loopback) ? `internal` : [.loopback] + `internal`
        self.guardedSources = guardedSources
        self.guardedDestinations = guardedDestinations
        self.action = action
        self.hooks = hooks
    }

    public static let defaultTable = "spoofguard"

    public func guarded(_ field: AddressField) -> [GuardEntry] {
        field == .source ? guardedSources : guardedDestinations
    }
}

/// Guarded interfaces: a list of names and wildcards, or — when the policy omits `external` —
/// every interface that is not internal (OpenBSD pf's `antispoof` model).
public enum ExternalInterfaces: Hashable, Sendable {
    case listed([InterfacePattern])
    case allExceptInternal
}

/// One entry of `guard.source` / `guard.destination`: a catalog or a literal prefix.
public struct GuardEntry: Hashable, Sendable {
    public enum Origin: Hashable, Sendable {
        case catalog(String)
        case literal(String)
    }
    public var origin: Origin

    public var prefixes: [IPPrefix] {
        get {
            switch stored {
            case .one(let prefix): [prefix]
            case .list(let prefixes): prefixes
            }
        }
        set { stored = Prefixes(newValue) }
    }

    /// Where it stands in the policy, e.g. `$.guard.source[1]`.
    public var path: String {
        get {
            switch place {
            case .text(let text): text
            case .element(let list, let index): list.index(index).description
            }
        }
        set { place = .text(newValue) }
    }

    /// A literal entry, what nearly every entry of a large policy is, keeps its one prefix and
    /// its place (list and index) inline: an array and a path string per entry were two heap
    /// allocations and two frees per prefix of a 100 k-prefix policy.
    enum Prefixes: Hashable, Sendable {
        case one(IPPrefix)
        case list([IPPrefix])

        init(_ prefixes: [IPPrefix]) {
            self = prefixes.count == 1 ? .one(prefixes[0]) : .list(prefixes)
        }
    }

    enum Place: Sendable {
        case text(String)
        case element(of: JSONPath, index: Int)
    }

    private var stored: Prefixes
    private var place: Place

    public init(origin: Origin, prefixes: [IPPrefix], path: String) {
        self.init(origin: origin, prefixes: Prefixes(prefixes), place: .text(path))
    }

    init(origin: Origin, prefixes: Prefixes, place: Place) {
        self.origin = origin
        self.stored = prefixes
        self.place = place
    }

    /// Each prefix in order, without building an array.
    public func forEachPrefix(_ body: (IPPrefix) throws -> Void) rethrows {
        switch stored {
        case .one(let prefix): try body(prefix)
        case .list(let prefixes): for prefix in prefixes { try body(prefix) }
        }
    }

    /// Equal when they say the same thing from the same place, however the place is kept.
    public static func == (a: GuardEntry, b: GuardEntry) -> Bool {
        a.origin == b.origin && a.stored == b.stored && a.path == b.path
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(origin)
        hasher.combine(stored)
        hasher.combine(path)
    }
}

public struct Action: Hashable, Sendable {
    public enum Verdict: String, Hashable, Sendable, CaseIterable {
        case drop, reject
    }
    public var verdict: Verdict
    public var counter: Bool
    public var log: LogAction?

    public init(verdict: Verdict = .drop, counter: Bool = true, log: LogAction? = nil) {
        self.verdict = verdict
        self.counter = counter
        self.log = log
    }
}

/// Logging of dropped packets, always rate limited so a flood cannot flood the log.
public struct LogAction: Hashable, Sendable {
    public var prefix: String
    public var rate: RateLimit
    /// An NFLOG group instead of the kernel log, when set.
    public var group: UInt16?

    public init(prefix: String = LogAction.defaultPrefix, rate: RateLimit = LogAction.defaultRate, group: UInt16? = nil) {
        self.prefix = prefix
        self.rate = rate
        self.group = group
    }

    public static let defaultPrefix = "spoofguard: "
    public static let defaultRate = RateLimit(rate: 10, per: .minute)
}

/// Where the guard sits (DESIGN.md "hooks").
public enum PolicyHook: String, Hashable, Sendable, CaseIterable {
    /// inet prerouting at priority raw, before conntrack; matches by interface name.
    case prerouting
    /// netdev ingress, one chain per listed device: the earliest drop, sees ::1.
    case ingress
    /// bridge prerouting, for frames a bridge forwards.
    case bridge
}
