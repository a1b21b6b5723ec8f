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
    public var prefixes: [IPPrefix]
    /// Where it stands in the policy, e.g. `$.guard.source[1]`.
    public var path: String

    public init(origin: Origin, prefixes: [IPPrefix], path: String) {
        self.origin = origin
        self.prefixes = prefixes
        self.path = path
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
