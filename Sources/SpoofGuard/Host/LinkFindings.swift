/// Findings about the links themselves: the upstream link, devices stacked on an external
/// link, tunnels, bridges with external ports, and ingress chains' device lists.
struct LinkFindings {
    let snapshot: HostSnapshot
    let policy: Policy?
    let interfaces: [LiveInterface]

    var all: [AuditFinding] { defaultRoutes + stacked + tunnels + bridges + ingress }

    private var byIndex: [Int32: LiveInterface] {
        Dictionary(interfaces.map { ($0.link.index, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Judged only where "external" is a list (or, without a policy, what the guard guards):
    /// with `external` omitted every non-internal link is external already.
    private var externalIsAList: Bool {
        guard let policy else { return true }
        if case .listed = policy.external { return true }
        return false
    }

    private static func addToExternal(_ pattern: String) -> String {
        "add \"\(pattern)\" to \"external\" in the policy and apply it"
    }

    var defaultRoutes: [AuditFinding] {
        guard externalIsAList else { return [] }
        return interfaces.filter { !$0.defaultRoute.isEmpty && !$0.isExternal && $0.link.name != "lo" }.map { interface in
            let families = interface.defaultRoute.map(\.rawValue).joined(separator: " and ")
            return AuditFinding(.defaultRouteNotExternal, object: interface.link.name,
                                detail: "the \(families) default route leaves through \(interface.link.name), which is \(interface.roleName), not external",
                                fix: Self.addToExternal(interface.link.name))
        }
    }

    var stacked: [AuditFinding] {
        let byIndex = byIndex
        return interfaces.compactMap { interface in
            guard let kind = interface.link.kind, kind.isStacked, !interface.isExternal,
                  let lowerIndex = interface.link.lowerIndex, let lower = byIndex[lowerIndex], lower.isExternal else { return nil }
            // eth0.100 → "eth0.*" covers every VLAN of eth0; other names are listed as they are.
            let pattern = interface.link.name.hasPrefix(lower.link.name + ".") ? lower.link.name + ".*" : interface.link.name
            return AuditFinding(.stackedDeviceNotExternal, object: interface.link.name,
                                detail: "\(kind) device \(interface.link.name) sits on external \(lower.link.name) but is \(interface.roleName)",
                                fix: Self.addToExternal(pattern))
        }
    }

    var tunnels: [AuditFinding] {
        interfaces.compactMap { interface in
            guard let kind = interface.link.kind, kind.isTunnel, !interface.isExternal else { return nil }
            if case .internal = interface.role { return nil }   // declared trusted on purpose
            return AuditFinding(.tunnelNotExternal, object: interface.link.name,
                                detail: "\(kind) tunnel \(interface.link.name) is not external: its inner packets are not guarded",
                                fix: Self.addToExternal(interface.link.name) + " (or to \"internal\" if every peer is trusted)")
        }
    }

    var bridges: [AuditFinding] {
        let bridgeGuarded = snapshot.guardRuleset.tables.contains { table in
            table.family == .bridge && table.chains.contains { $0.base != nil }
        }
        guard !bridgeGuarded else { return [] }
        return interfaces.compactMap { bridge in
            guard bridge.link.kind == .bridge else { return nil }
            let ports = interfaces.filter { $0.link.masterIndex == bridge.link.index && $0.isExternal }.map(\.link.name)
            guard !ports.isEmpty else { return nil }
            return AuditFinding(.bridgeWithoutBridgeHook, object: bridge.link.name,
                                detail: "bridge \(bridge.link.name) has external port\(ports.count == 1 ? "" : "s") \(ports.joined(separator: ", ")) and no bridge-family guard chain",
                                fix: "add \"bridge\" to \"hooks\" in the policy and apply it")
        }
    }

    var ingress: [AuditFinding] {
        let names = Set(interfaces.map(\.link.name))
        var findings: [AuditFinding] = []
        for table in snapshot.guardRuleset.tables where table.family == .netdev {
            for chain in table.chains {
                guard let base = chain.base, base.hook == .ingress else { continue }
                let label = "netdev \(table.name) chain \(chain.name)"
                // A prefix ("wan*") stands for devices present or future: never "missing".
                let patterns = base.devices.compactMap { try? InterfacePattern(parsing: $0) }
                for device in base.devices where !device.hasSuffix("*") && !names.contains(device) {
                    findings.append(missingDevice(device, in: label))
                }
                for interface in interfaces where interface.isExternal && !patterns.contains(where: { $0.matches(interface.link.name) }) {
                    findings.append(AuditFinding(.ingressDeviceUnbound, object: interface.link.name,
                                                 detail: "external \(interface.link.name) is not among the devices of \(label) (\(base.devices.joined(separator: ", ")))",
                                                 fix: "list \"\(interface.link.name)\" in \"external\" and apply the policy again"))
                }
            }
        }
        return findings
    }

    /// A device the loaded ingress chain lists that does not exist: harmless where the kernel
    /// hooks it once it appears, a gap where it never will (nil: the probe could not tell).
    private func missingDevice(_ device: String, in label: String) -> AuditFinding {
        switch snapshot.kernelFeatures?.absentDevices {
        case true?:
            AuditFinding(.ingressDeviceMissing, object: device,
                         detail: "\(label) lists \(device), which does not exist yet: this kernel hooks it when it appears",
                         fix: "nothing to do; remove \(device) from \"external\" and apply if it will never exist", severity: .info)
        case false?:
            AuditFinding(.ingressDeviceMissing, object: device,
                         detail: "\(label) lists \(device), which does not exist, and this kernel does not hook a device that appears later: "
                             + "it will not be guarded at ingress",
                         fix: "run `spoofguard watch` (it re-applies when \(device) appears), or remove it from \"external\" in the policy and apply it")
        case nil:
            AuditFinding(.ingressDeviceMissing, object: device,
                         detail: "\(label) lists \(device), which does not exist: nothing is guarded there at ingress until it appears",
                         fix: "create \(device), or remove it from \"external\" in the policy and apply it; on a kernel that cannot hook absent devices run `spoofguard watch`")
        }
    }
}
