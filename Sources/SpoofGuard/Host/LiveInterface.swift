/// A live link as the audit sees it: the role the policy (or, without one, the loaded guard)
/// gives it, and which of spoofguard's tables drop for it.
public struct LiveInterface: Hashable, Sendable {
    public var link: HostLink
    public var role: InterfaceClass.Role
    /// The tables ("inet spoofguard") whose base chains guard it, as `status` reports.
    public var guardedBy: [String]
    public var routeLocalnet: Bool
    /// The families whose default route leaves through it.
    public var defaultRoute: [AddressFamily]

    public var isExternal: Bool {
        if case .external = role { return true }
        return false
    }

    public var interfaceClass: InterfaceClass {
        InterfaceClass(role: role, name: link.name, routeLocalnet: routeLocalnet)
    }

    /// `external`, `internal`, `loopback`, `unmatched`, as JSON and text show it.
    public var roleName: String {
        switch role {
        case .external: "external"
        case .internal: "internal"
        case .loopback: "loopback"
        case .unmatched: "unmatched"
        }
    }

    /// The policy pattern behind the role, if any.
    public var pattern: String? {
        switch role {
        case .external(let pattern?), .internal(let pattern): pattern.description
        default: nil
        }
    }

    /// Roles from the policy's patterns; without a policy, external is what the loaded guard guards.
    static func classify(_ snapshot: HostSnapshot, policy: Policy?) -> [LiveInterface] {
        let tables = snapshot.guardRuleset.tables
        return snapshot.links.map { link in
            let guardedBy = tables.filter { LoadedGuard.guards($0, interface: link.name) }.map { "\($0.family.rawValue) \($0.name)" }
            let role: InterfaceClass.Role
            if link.name == "lo" {
                role = .loopback
            } else if let policy {
                if let pattern = policy.internal.first(where: { $0.matches(link.name) }) {
                    role = .internal(pattern)
                } else if case .listed(let patterns) = policy.external {
                    role = patterns.first { $0.matches(link.name) }.map { .external($0) } ?? .unmatched
                } else {
                    role = .external(nil)
                }
            } else if !guardedBy.isEmpty, let exact = try? InterfacePattern(parsing: link.name) {
                role = .external(exact)
            } else {
                role = .unmatched
            }
            let routes = snapshot.defaultRoutes.filter { $0.interfaceIndices.contains(link.index) }.map(\.family)
            return LiveInterface(link: link, role: role, guardedBy: guardedBy,
                                 routeLocalnet: snapshot.sysctls.routeLocalnetEnabled(on: link.name),
                                 defaultRoute: Array(Set(routes)).sorted { $0.rawValue < $1.rawValue })
        }
    }
}
