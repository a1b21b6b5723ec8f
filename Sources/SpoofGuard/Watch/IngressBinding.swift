/// A ruleset's netdev chains as a kernel lacking a netdev hook feature can hold them now: what
/// `spoofguard watch` applies there, and what `audit` expects to find loaded.
///
/// Without device prefixes a `wan*` device becomes the present links whose names start with
/// `wan` (exact names); without hooks on absent devices a name that does not exist is left
/// out. A chain left with no device at all is left out as a whole: older kernels (6.1) refuse a
/// netdev base chain without devices (EINVAL), and where one is accepted it hooks nothing
/// either, so leaving it out means the same everywhere. The agent re-applies when a matching link
/// appears, is renamed or disappears, so the chain follows the links.
public struct IngressBinding: Equatable, Sendable {
    /// The ruleset to load on this kernel now.
    public var ruleset: Ruleset
    /// One line per netdev chain the kernel's features changed, e.g.
    /// `netdev spoofguard chain ingress on wan0, wan7`.
    public var notes: [String]

    public init(_ ruleset: Ruleset, features: KernelFeatures, links: [String]) {
        self.ruleset = ruleset
        notes = []
        for (t, table) in ruleset.tables.enumerated() {
            var chains: [Chain] = []
            for var chain in table.chains {
                guard let base = chain.base, !base.devices.isEmpty else {
                    chains.append(chain)
                    continue
                }
                let bound = Self.devices(base.devices, features: features, links: links)
                let label = "\(table.family.rawValue) \(table.name) chain \(chain.name)"
                if Set(bound) == Set(base.devices) {
                    chains.append(chain)
                } else if bound.isEmpty {
                    notes.append("\(label) left out: no device matching \(base.devices.joined(separator: ", ")) exists "
                                 + "and this kernel cannot hook absent devices")
                } else {
                    chain.base?.devices = bound
                    chains.append(chain)
                    notes.append("\(label) on \(bound.joined(separator: ", ")) (for \(base.devices.joined(separator: ", ")))")
                }
            }
            self.ruleset.tables[t].chains = chains
        }
    }

    /// The devices of one chain this kernel can hook now, sorted, each once: a prefix kept
    /// with `devicePrefixes`, else expanded into the present links it matches; an exact name
    /// kept with `absentDevices` or while its link exists.
    public static func devices(_ devices: [String], features: KernelFeatures, links: [String]) -> [String] {
        var bound = Set<String>()
        for device in devices {
            if device.hasSuffix("*") {
                let stem = device.dropLast()
                if features.devicePrefixes {
                    bound.insert(device)
                } else {
                    bound.formUnion(links.filter { $0.hasPrefix(stem) })
                }
            } else if features.absentDevices || links.contains(device) {
                bound.insert(device)
            }
        }
        return bound.sorted()
    }
}

extension Ruleset {
    /// Whether a base chain names devices (a netdev chain), whose binding depends on the kernel.
    public var bindsDevices: Bool {
        tables.contains { $0.chains.contains { !($0.base?.devices.isEmpty ?? true) } }
    }
}
