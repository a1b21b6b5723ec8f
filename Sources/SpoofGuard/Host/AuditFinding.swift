/// One way around the guard that `audit` found on a live host.
public struct AuditFinding: Hashable, Sendable {
    public var findingClass: FindingClass
    /// What it is about: an interface, `ip mangler chain pre rule handle 4`, a sysctl.
    public var object: String
    /// What was seen, in one line.
    public var detail: String
    /// The exact change that removes it: a policy edit, a command, a sysctl.
    public var fix: String
    /// The class's severity, unless what was found makes it lighter (`ingress-device-missing`
    /// on a kernel that hooks the device when it appears).
    public var severity: FindingSeverity

    public init(_ findingClass: FindingClass, object: String, detail: String, fix: String, severity: FindingSeverity? = nil) {
        self.findingClass = findingClass
        self.object = object
        self.detail = detail
        self.fix = fix
        self.severity = severity ?? findingClass.severity
    }
}

public enum FindingSeverity: String, Hashable, Sendable, CaseIterable, Comparable {
    case error, warning, info

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The finding classes, with ids that scripts and alerts may rely on.
public enum FindingClass: String, Hashable, Sendable, CaseIterable {
    case guardTableMissing = "guard-table-missing"
    case guardTableUnreadable = "guard-table-unreadable"
    case guardTableDrift = "guard-table-drift"
    case guardProofFailed = "guard-proof-failed"
    case defaultRouteNotExternal = "default-route-not-external"
    case stackedDeviceNotExternal = "stacked-device-not-external"
    case tunnelNotExternal = "tunnel-not-external"
    case bridgeWithoutBridgeHook = "bridge-without-bridge-hook"
    case ingressDeviceMissing = "ingress-device-missing"
    case ingressDeviceUnbound = "ingress-device-unbound"
    case foreignChainRewritesAddress = "foreign-chain-rewrites-address"
    case foreignChainDivertsPacket = "foreign-chain-diverts-packet"
    case routeLocalnetEnabled = "route-localnet-enabled"
    case iptablesLegacyPresent = "iptables-legacy-present"

    public var severity: FindingSeverity {
        switch self {
        case .tunnelNotExternal, .ingressDeviceMissing: .warning
        case .iptablesLegacyPresent: .info
        default: .error
        }
    }

    /// Why it matters, in one line, with the standard or CVE behind it.
    public var why: String {
        switch self {
        case .guardTableMissing:
            "nothing drops loopback-sourced packets from the wire but the kernel's own checks (RFC 1122 3.2.1.3: 127/8 must not appear outside a host)"
        case .guardTableUnreadable:
            "the table holds rules spoofguard did not write, so nobody can say what it drops"
        case .guardTableDrift:
            "the loaded guard is not the policy: someone edited or replaced it after apply"
        case .guardProofFailed:
            "a packet with a guarded address passes the loaded guard on a live interface (RFC 1122 3.2.1.3, RFC 4291 2.5.3)"
        case .defaultRouteNotExternal:
            "the default route's link faces the Internet, where 127/8 and ::1 sources are spoofed (RFC 6890, RFC 1122 3.2.1.3)"
        case .stackedDeviceNotExternal:
            "frames of a VLAN/macvlan/ipvlan device arrive under its own name, which the external patterns do not match (IEEE 802.1Q)"
        case .tunnelNotExternal:
            "a tunnel delivers its inner packets again under its own name: the outer interface's guard never sees them (RFC 2003, RFC 7348)"
        case .bridgeWithoutBridgeHook:
            "frames a bridge forwards from an external port meet no inet chain and no martian check (RFC 1812 5.3.7)"
        case .ingressDeviceMissing:
            "an ingress chain guards a device only while the kernel hooks it; a kernel that cannot hook absent devices never binds a name that appears later"
        case .ingressDeviceUnbound:
            "an ingress chain sees only the devices it lists: this external interface is not guarded at ingress"
        case .foreignChainRewritesAddress:
            "a chain that runs before spoofguard's can rewrite the address spoofguard checks (RFC 2827 ingress filtering must see the original)"
        case .foreignChainDivertsPacket:
            "a chain that runs before spoofguard's takes the packet away (fwd/dup/queue) before the guard sees it"
        case .routeLocalnetEnabled:
            "route_localnet=1 turns off the kernel's 127/8 martian check, so 127.0.0.1 from the wire is delivered (CVE-2020-8558)"
        case .iptablesLegacyPresent:
            "x_tables (iptables-legacy) rules run at hooks of their own that nf_tables cannot list: not audited"
        }
    }
}
