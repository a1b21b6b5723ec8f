/// What `audit` found: the proof of the loaded guard over the live links, their
/// classification, drift from the policy, and the findings.
public struct AuditReport: Hashable, Sendable {
    public var table: String
    public var policyGiven: Bool
    public var interfaces: [LiveInterface]
    /// nil when there was no readable guard to prove.
    public var proof: VerificationReport?
    /// `RulesetDiff` lines against the policy; nil without a policy or a loaded table.
    public var drift: [String]?
    public var findings: [AuditFinding] = []
    /// What was read besides the links, shown as read.
    public var sysctls: ReceiveSysctls
    public var legacyTables: [LegacyTables]
    /// What the kernel's netdev hooks accept; nil when the probe could not run.
    public var kernelFeatures: KernelFeatures?

    init(table: String, policyGiven: Bool, interfaces: [LiveInterface], sysctls: ReceiveSysctls, legacyTables: [LegacyTables]) {
        self.table = table
        self.policyGiven = policyGiven
        self.interfaces = interfaces
        self.sysctls = sysctls
        self.legacyTables = legacyTables
    }

    /// No error-level finding: exit status 0.
    public var ok: Bool { !findings.contains { $0.severity == .error } }

    public func count(_ severity: FindingSeverity) -> Int { findings.filter { $0.severity == severity }.count }
}

extension AuditReport {
    public var text: String {
        var lines: [String] = []
        let errors = count(.error), warnings = count(.warning), infos = count(.info)
        lines.append("\(ok ? "OK" : "FAILED"): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"), \(infos) info")
        if let proof {
            let checks = proof.results.count
            lines.append(proof.holds
                ? "proof: PROVED, \(checks) checks over \(interfaces.count) live interfaces, IPv4 and IPv6, every address"
                : "proof: FAILED, \(proof.failures.count) of \(checks) checks have a counterexample")
        } else {
            lines.append("proof: not run (no readable table \(table))")
        }
        if let kernelFeatures { lines.append("kernel: \(kernelFeatures.summary)") }
        lines.append("interfaces:")
        for interface in interfaces {
            var line = "  \(interface.link.name) (\(interface.link.kind?.rawValue ?? "device"), \(interface.link.operState.rawValue)): \(interface.roleName)"
            if let pattern = interface.pattern { line += " by \"\(pattern)\"" }
            line += interface.guardedBy.isEmpty ? ", not guarded" : ", guarded by \(interface.guardedBy.joined(separator: ", "))"
            if !interface.defaultRoute.isEmpty { line += ", default route \(interface.defaultRoute.map(\.rawValue).joined(separator: "+"))" }
            if interface.routeLocalnet { line += ", route_localnet=1" }
            lines.append(line)
        }
        if let drift, !drift.isEmpty {
            lines.append("drift from the policy:")
            lines += drift.map { "  \($0)" }
        }
        if let proof {
            for failure in proof.failures { lines.append("  " + failure.line) }
        }
        if findings.isEmpty { lines.append("findings: none") }
        for finding in findings {
            lines.append("\(finding.severity.rawValue) \(finding.findingClass.rawValue): \(finding.object)")
            lines.append("  \(finding.detail)")
            lines.append("  why: \(finding.findingClass.why)")
            lines.append("  fix: \(finding.fix)")
        }
        return lines.joined(separator: "\n")
    }

    /// One object: ok, the proof (as `verify --json`), the live classification, drift, findings.
    public var json: OrderedJSON {
        func strings(_ values: [String]) -> OrderedJSON { .array(values.map { .string($0) }) }
        let interfaceJSON: [OrderedJSON] = interfaces.map { interface in
            .object([
                ("name", .string(interface.link.name)), ("index", .integer(Int64(interface.link.index))),
                ("kind", interface.link.kind.map { .string($0.rawValue) } ?? .null),
                ("lower", interface.link.lowerIndex.map { .integer(Int64($0)) } ?? .null),
                ("master", interface.link.masterIndex.map { .integer(Int64($0)) } ?? .null),
                ("operstate", .string(interface.link.operState.rawValue)),
                ("role", .string(interface.roleName)), ("pattern", interface.pattern.map { .string($0) } ?? .null),
                ("guarded_by", strings(interface.guardedBy)),
                ("default_route", strings(interface.defaultRoute.map(\.rawValue))),
                ("route_localnet", .bool(interface.routeLocalnet)),
            ])
        }
        let findingJSON: [OrderedJSON] = findings.map { finding in
            .object([
                ("class", .string(finding.findingClass.rawValue)), ("severity", .string(finding.severity.rawValue)),
                ("object", .string(finding.object)), ("detail", .string(finding.detail)),
                ("why", .string(finding.findingClass.why)), ("fix", .string(finding.fix)),
            ])
        }
        func values(_ settings: [String: Int]) -> OrderedJSON {
            .object(settings.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) })
        }
        return .object([
            ("ok", .bool(ok)), ("table", .string(table)), ("policy", .bool(policyGiven)),
            ("proof", proof?.json ?? .null),
            ("interfaces", .array(interfaceJSON)),
            ("drift", drift.map(strings) ?? .null),
            ("findings", .array(findingJSON)),
            ("sysctls", .object([
                ("route_localnet", values(sysctls.routeLocalnet)), ("rp_filter", values(sysctls.rpFilter)),
                ("accept_local", values(sysctls.acceptLocal)), ("bridge_nf_call", values(sysctls.bridgeNetfilter)),
            ])),
            ("legacy_tables", .object(legacyTables.map { ($0.tool.rawValue, strings($0.tables)) })),
            ("kernel_features", kernelFeatures?.json ?? .null),
        ])
    }

    /// Prometheus text format: one `spoofguard_audit_findings` sample per class (0 when
    /// absent, so alerts see it drop back), and `spoofguard_audit_ok`. A sample's severity is
    /// its findings' own, as text and JSON give it (the gravest, were they ever to differ),
    /// the class's when there are none.
    public var prometheus: String {
        var lines = [
            "# HELP spoofguard_audit_findings Findings of the last audit, by severity and class.",
            "# TYPE spoofguard_audit_findings gauge",
        ]
        for findingClass in FindingClass.allCases {
            let found = findings.filter { $0.findingClass == findingClass }
            let severity = found.map(\.severity).min() ?? findingClass.severity
            let labels = PrometheusMetrics.labelText([("table", table), ("severity", severity.rawValue),
                                                      ("class", findingClass.rawValue)])
            lines.append("spoofguard_audit_findings\(labels) \(found.count)")
        }
        lines += [
            "# HELP spoofguard_audit_ok Whether the last audit found no error (1) or at least one (0).",
            "# TYPE spoofguard_audit_ok gauge",
            "spoofguard_audit_ok\(PrometheusMetrics.labelText([("table", table)])) \(ok ? 1 : 0)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
