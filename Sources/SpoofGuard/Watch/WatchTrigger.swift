/// What the watch agent reacts to, decided without the kernel: a link event that touches a
/// device the policy guards (appears, is renamed to or from a guarded name, disappears), or
/// another process's change to spoofguard's table.
public struct WatchTrigger: Sendable {
    public let external: ExternalInterfaces
    public let internalPatterns: [InterfacePattern]
    public let table: String
    /// The name each link index had when last seen, to tell a rename from a new device.
    private var names: [Int32: String] = [:]

    public init(policy: Policy) {
        external = policy.external
        internalPatterns = policy.internal
        table = policy.table
    }

    /// Remembers the links present at start, so that only changes count.
    public mutating func know(_ links: [HostLink]) {
        for link in links { names[link.index] = link.name }
    }

    public func guards(_ name: String) -> Bool {
        switch external {
        case .listed(let patterns): patterns.contains { $0.matches(name) }
        case .allExceptInternal: !internalPatterns.contains { $0.matches(name) }
        }
    }

    /// A reason to re-apply ("link wan0 appeared"), or nil when the event changes nothing the
    /// policy guards (another device, a state change of a known device under the same name).
    public mutating func linkEvent(_ link: HostLink, removed: Bool) -> String? {
        let previous = names[link.index]
        if removed {
            names[link.index] = nil
            return guards(link.name) ? "link \(link.name) disappeared" : nil
        }
        names[link.index] = link.name
        switch previous {
        case nil: return guards(link.name) ? "link \(link.name) appeared" : nil
        case link.name?: return nil
        case let old?: return guards(old) || guards(link.name) ? "link \(old) renamed to \(link.name)" : nil
        }
    }

    /// Whether an nf_tables event of `family` about table `name` concerns spoofguard's table.
    public func concerns(family: TableFamily?, table name: String?) -> Bool {
        guard let family, let name else { return false }
        return name == table && [.inet, .netdev, .bridge].contains(family)
    }
}
