/// `spoofguard audit`: the guard proved on a live host, and every way around it found.
/// Pure: `HostSnapshot × Policy? → AuditReport`. Without a policy the intent is spoofguard's
/// core promise (no loopback source from the wire) and "external" is what the loaded guard guards.
public enum Audit {
    public static func run(_ snapshot: HostSnapshot, policy: Policy?) -> AuditReport {
        let interfaces = LiveInterface.classify(snapshot, policy: policy)
        var report = AuditReport(table: snapshot.guardTable, policyGiven: policy != nil, interfaces: interfaces,
                                 sysctls: snapshot.sysctls, legacyTables: snapshot.legacyTables)
        report.kernelFeatures = snapshot.kernelFeatures
        var findings: [AuditFinding] = []
        let apply = policy == nil ? "spoofguard apply POLICY" : "spoofguard apply (the audited policy)"

        findings += guardState(snapshot, policy: policy, apply: apply, report: &report)
        if !snapshot.guardRuleset.tables.isEmpty, snapshot.guardUnreadable == nil {
            findings += proof(snapshot, policy: policy, interfaces: interfaces, apply: apply, report: &report)
        }
        findings += LinkFindings(snapshot: snapshot, policy: policy, interfaces: interfaces).all
        findings += ForeignChainFindings(snapshot: snapshot).all
        findings += routeLocalnet(snapshot, interfaces: interfaces)
        findings += snapshot.legacyTables.filter { !$0.tables.isEmpty }.map { legacy in
            AuditFinding(.iptablesLegacyPresent, object: legacy.tool.rawValue,
                         detail: "\(legacy.tool.rawValue)-legacy tables loaded: \(legacy.tables.joined(separator: ", "))",
                         fix: "move these rules to nftables (\(legacy.tool.rawValue)-nft) or review them by hand: `\(legacy.tool.rawValue)-legacy-save`")
        }
        report.findings = findings.sorted { ($0.severity, $0.findingClass.rawValue, $0.object) < ($1.severity, $1.findingClass.rawValue, $1.object) }
        return report
    }

    /// Missing, unreadable, or (with a policy) different from what the policy compiles to.
    static func guardState(_ snapshot: HostSnapshot, policy: Policy?, apply: String, report: inout AuditReport) -> [AuditFinding] {
        let label = "table \(snapshot.guardTable)"
        if let reason = snapshot.guardUnreadable {
            return [AuditFinding(.guardTableUnreadable, object: label, detail: reason, fix: "\(apply) replaces it with the policy's table")]
        }
        if snapshot.guardRuleset.tables.isEmpty {
            return [AuditFinding(.guardTableMissing, object: label, detail: "no nftables table \(snapshot.guardTable) in inet, netdev or bridge",
                                 fix: apply)]
        }
        guard let policy else { return [] }
        var expected = Compiler.compile(policy)
        if let features = snapshot.kernelFeatures {
            // Where the kernel cannot hook absent devices or prefixes, `spoofguard watch` loads the
            // ingress chains bound to the devices that exist: that is the policy there, not drift.
            expected = IngressBinding(expected, features: features, links: snapshot.links.map(\.name)).ruleset
        }
        let diff = RulesetDiff(expected: expected, loaded: snapshot.guardRuleset)
        report.drift = diff.lines
        guard !diff.isEmpty else { return [] }
        return [AuditFinding(.guardTableDrift, object: label,
                             detail: "\(diff.lines.count) difference\(diff.lines.count == 1 ? "" : "s") from the policy: " + diff.lines.prefix(3).joined(separator: "; ")
                                 + (diff.lines.count > 3 ? "; …" : ""),
                             fix: apply)]
    }

    /// The verifier on the loaded table, one class per live link.
    static func proof(_ snapshot: HostSnapshot, policy: Policy?, interfaces: [LiveInterface], apply: String,
                      report: inout AuditReport) -> [AuditFinding] {
        let intent = policy ?? coreIntent(table: snapshot.guardTable, loaded: snapshot.guardRuleset)
        let verification: VerificationReport
        do {
            verification = try Verifier(ruleset: snapshot.guardRuleset, policy: intent,
                                        classes: interfaces.map(\.interfaceClass)).verify()
        } catch {
            return [AuditFinding(.guardTableUnreadable, object: "table \(snapshot.guardTable)", detail: "\(error)",
                                 fix: "\(apply) replaces it with the policy's table")]
        }
        report.proof = verification
        var seen = Set<String>()
        return verification.failures.compactMap { failure in
            guard let example = failure.counterexample, seen.insert("\(failure.interfaceClass.name) \(failure.property)").inserted else { return nil }
            var detail = "\(failure.property.label) fails on \(failure.interfaceClass) \(failure.family) \(failure.path): "
                + "\(example.packet.displayText) is \(example.verdict.rawValue)"
            if example.decider != .nobody { detail += " by \(example.decider)" }
            return AuditFinding(.guardProofFailed, object: failure.interfaceClass.name, detail: detail, fix: apply)
        }
    }

    /// Without a policy the loaded table is its own intent: what it drops by source and
    /// destination must be dropped on every external link (and 127/8 and ::1 sources always,
    /// the Verifier adds those), and nothing else anywhere.
    static func coreIntent(table: String, loaded: Ruleset = Ruleset()) -> Policy {
        func entries(_ field: AddressField) -> [GuardEntry] {
            let prefixes = loadedPrefixes(loaded, field)
            return prefixes.isEmpty ? [] : [GuardEntry(origin: .literal("loaded table"), prefixes: prefixes,
                                                       path: "$.guard.\(field == .source ? "source" : "destination")")]
        }
        return Policy(table: table, external: .allExceptInternal, guardedSources: entries(.source),
                      guardedDestinations: entries(.destination))
    }

    /// The prefixes the acting rules of `ruleset` match by `field` (from sets or literals).
    static func loadedPrefixes(_ ruleset: Ruleset, _ field: AddressField) -> [IPPrefix] {
        var prefixes: [IPPrefix] = []
        for table in ruleset.tables {
            for chain in table.chains {
                for rule in chain.rules where LoadedGuard.acts(rule) {
                    for case .match(let match) in rule.statements where !match.isNegated {
                        guard case .address(_, field) = match.subject else { continue }
                        switch match.value {
                        case .prefix(let prefix): prefixes.append(prefix)
                        case .set(let name):
                            switch table.set(named: name)?.elements {
                            case .ipv4(let set)?: prefixes += set.prefixes.map(IPPrefix.v4)
                            case .ipv6(let set)?: prefixes += set.prefixes.map(IPPrefix.v6)
                            default: break
                            }
                        default: break
                        }
                    }
                }
            }
        }
        return prefixes
    }

    /// route_localnet=1 where the loaded guard does not drop every 127/8 destination itself.
    static func routeLocalnet(_ snapshot: HostSnapshot, interfaces: [LiveInterface]) -> [AuditFinding] {
        let exposed = interfaces.filter { $0.isExternal && $0.routeLocalnet }
        guard !exposed.isEmpty else { return [] }
        let covered = destinationLoopbackDropped(snapshot, on: exposed)
        let all = (snapshot.sysctls.routeLocalnet["all"] ?? 0) != 0
        var findings: [AuditFinding] = []
        var reportedAll = false
        for interface in exposed where !covered.contains(interface.link.name) {
            let own = (snapshot.sysctls.routeLocalnet[interface.link.name] ?? 0) != 0
            let sysctl = own ? "net.ipv4.conf.\(interface.link.name).route_localnet" : "net.ipv4.conf.all.route_localnet"
            if !own { if reportedAll { continue } else { reportedAll = true } }
            var fix = "sysctl -w \(sysctl)=0"
            if own && all { fix += " and net.ipv4.conf.all.route_localnet=0" }
            findings.append(AuditFinding(.routeLocalnetEnabled, object: sysctl,
                                         detail: "route_localnet is 1 on external \(own ? interface.link.name : "interfaces (all)") and the guard does not drop destination 127.0.0.0/8 there",
                                         fix: fix + ", or add \"loopback\" to \"guard.destination\" in the policy and apply it"))
        }
        return findings
    }

    /// The links among `interfaces` on which the loaded guard drops every 127/8 destination, proved.
    static func destinationLoopbackDropped(_ snapshot: HostSnapshot, on interfaces: [LiveInterface]) -> Set<String> {
        var probe = coreIntent(table: snapshot.guardTable)
        probe.guardedDestinations = [GuardEntry(origin: .literal("127.0.0.0/8"), prefixes: [.v4(KernelChecks.ipv4Loopback)],
                                                path: "$.guard.destination")]
        let classes = interfaces.map { InterfaceClass(role: .external(nil), name: $0.link.name) }
        guard let report = try? Verifier(ruleset: snapshot.guardRuleset, policy: probe, classes: classes).verify() else { return [] }
        let failing = Set(report.results.filter { $0.property == .guardedDestinationsDropped && $0.family == .ipv4 && !$0.holds }
            .map(\.interfaceClass.name))
        return Set(interfaces.map(\.link.name)).subtracting(failing)
    }
}
