/// A class of input interfaces that the compiled rules cannot tell apart, checked through one
/// concrete name: each external name or pattern, an interface no pattern matches, `lo`, and
/// each internal interface.
public struct InterfaceClass: Hashable, Sendable, CustomStringConvertible {
    public enum Role: Hashable, Sendable {
        /// Listed in `external` (the pattern), or — when the policy omits `external` — every
        /// interface that is not internal (nil).
        case external(InterfacePattern?)
        /// Matched by no pattern of the policy, so not guarded.
        case unmatched
        case loopback
        case `internal`(InterfacePattern)
    }

    public var role: Role
    /// The interface name the class is checked with.
    public var name: String
    /// `route_localnet` is on for it (a live interface, in `audit`): the kernel's 127/8
    /// martian checks no longer drop anything there.
    public var routeLocalnet = false

    public init(role: Role, name: String, routeLocalnet: Bool = false) {
        self.role = role
        self.name = name
        self.routeLocalnet = routeLocalnet
    }

    public var isExternal: Bool {
        if case .external = role { return true }
        return false
    }

    public var kind: InputInterface.Kind { role == .loopback ? .loopback : .ordinary }

    public var description: String {
        switch role {
        case .external(let pattern?) where pattern.isWildcard: "external \(pattern) (as \(name))"
        case .external(let pattern?): "external \(pattern)"
        case .external(nil): "external: any non-internal interface (as \(name))"
        case .unmatched: "unmatched interface (as \(name))"
        case .loopback: "lo"
        case .internal(let pattern) where pattern.isWildcard: "internal \(pattern) (as \(name))"
        case .internal(let pattern): "internal \(pattern)"
        }
    }

    /// The classes of a policy, in the order they are reported.
    static func classes(of policy: Policy) -> (classes: [InterfaceClass], notes: [String]) {
        var classes: [InterfaceClass] = []
        var notes: [String] = []
        let internalPatterns = policy.internal.filter { $0 != .loopback }
        let unmatched: String?
        switch policy.external {
        case .listed(let patterns):
            unmatched = unmatchedName(avoiding: patterns + policy.internal)
            classes += patterns.map { InterfaceClass(role: .external($0), name: $0.exampleName) }
            if let unmatched {
                classes.append(InterfaceClass(role: .unmatched, name: unmatched))
            } else {
                notes.append("every interface name matches an external pattern: no unmatched interface to check")
            }
        case .allExceptInternal:
            unmatched = unmatchedName(avoiding: policy.internal)
            if let unmatched { classes.append(InterfaceClass(role: .external(nil), name: unmatched)) }
        }
        classes.append(InterfaceClass(role: .loopback, name: "lo"))
        classes += internalPatterns.map { InterfaceClass(role: .internal($0), name: $0.exampleName) }
        return (classes, notes)
    }

    /// A name that none of `patterns` matches, if there is one.
    static func unmatchedName(avoiding patterns: [InterfacePattern]) -> String? {
        let candidates = ["sgunmatched0", "zz-unmatched0", "q0", "x", "_"]
        return candidates.first { name in !patterns.contains { $0.matches(name) } }
    }
}
