import Testing
@testable import SpoofGuard

/// Each finding class on snapshots written by hand: no privileges, no kernel.
@Suite struct AuditTests {
    typealias F = HostFixtures

    static func classes(_ report: AuditReport) -> [String] { report.findings.map(\.findingClass.rawValue) }

    static func routerHost(extra: [HostLink] = [], routes: [DefaultRoute]? = nil) -> [HostLink] {
        [F.lo, F.eth0, HostLink(name: "br-lan", index: 3, kind: .bridge)] + extra
    }

    @Test func cleanRouterHasNoFindingAndItsProofHolds() throws {
        let policy = try F.router()
        let snapshot = F.snapshot(policy, links: Self.routerHost(), routes: [DefaultRoute(family: .ipv4, interfaceIndices: [2])])
        let report = Audit.run(snapshot, policy: policy)
        #expect(report.findings.isEmpty, "\(report.text)")
        #expect(report.ok)
        let proof = try #require(report.proof)
        #expect(proof.holds)
        #expect(proof.classes.map(\.name) == ["lo", "eth0", "br-lan"])
        #expect(report.interfaces.map(\.roleName) == ["loopback", "external", "internal"])
        #expect(report.drift == [])
    }

    @Test func missingTableIsAnError() throws {
        let policy = try F.router()
        let report = Audit.run(F.snapshot(policy, links: Self.routerHost(), loaded: Ruleset()), policy: policy)
        #expect(Self.classes(report) == ["guard-table-missing"])
        #expect(!report.ok && report.proof == nil)
        #expect((try #require(report.findings.first)).object == "table spoofguard")
    }

    @Test func unreadableTableIsAnError() throws {
        var snapshot = F.snapshot(try F.router(), links: Self.routerHost(), loaded: Ruleset())
        snapshot.guardUnreadable = "kernel expression [ payload write ] is not one spoofguard models"
        let report = Audit.run(snapshot, policy: nil)
        #expect(Self.classes(report) == ["guard-table-unreadable"])
    }

    /// A guard rule deleted by hand: drift, and the proof names a packet that now passes.
    @Test func handEditedTableDriftsAndTheProofNamesACounterexample() throws {
        let policy = try F.router()
        var loaded = Compiler.compile(policy)
        loaded.tables[0].chains[0].rules.removeAll { $0.comment == "guard.source ipv4" }
        let report = Audit.run(F.snapshot(policy, links: Self.routerHost(), loaded: loaded), policy: policy)
        #expect(Set(Self.classes(report)) == ["guard-table-drift", "guard-proof-failed"])
        let failed = try #require(report.findings.first { $0.findingClass == .guardProofFailed })
        #expect(failed.object == "eth0")
        #expect(failed.detail.contains(": eth0 127.") && failed.detail.contains(" is accept"), "\(failed.detail)")
        #expect(report.drift?.contains { $0.hasPrefix("- table inet spoofguard chain prerouting rule:") } == true)
        // Without the policy, the core promise (no loopback source) still fails on eth0.
        let bare = Audit.run(F.snapshot(policy, links: Self.routerHost(), loaded: loaded), policy: nil)
        #expect(Self.classes(bare) == ["guard-proof-failed"])
    }

    @Test func defaultRouteOnANonExternalLinkIsAnError() throws {
        let policy = try F.router()
        let up = HostLink(name: "up0", index: 9, kind: .veth)
        let routes = [DefaultRoute(family: .ipv4, interfaceIndices: [9]), DefaultRoute(family: .ipv6, interfaceIndices: [9])]
        let report = Audit.run(F.snapshot(policy, links: Self.routerHost(extra: [up]), routes: routes), policy: policy)
        #expect(Self.classes(report) == ["default-route-not-external"])
        #expect((try #require(report.findings.first)).object == "up0")
        #expect((try #require(report.findings.first)).detail.contains("ipv4 and ipv6 default route"))
        #expect((try #require(report.findings.first)).fix == #"add "up0" to "external" in the policy and apply it"#)
        // With `external` omitted every non-internal link is external already.
        let open = try F.policy(#"{"version": 1}"#)
        #expect(Audit.run(F.snapshot(open, links: [F.lo, up], routes: routes), policy: open).findings.isEmpty)
    }

    @Test func vlanOnAnExternalLinkIsAnErrorWithThePatternThatCoversIt() throws {
        let policy = try F.router()
        let vlan = try RouteMessage.link(F.newLink(index: 10, name: "eth0.100", kind: "vlan", lower: 2))
        let report = Audit.run(F.snapshot(policy, links: Self.routerHost(extra: [vlan])), policy: policy)
        #expect(Self.classes(report) == ["stacked-device-not-external"])
        #expect((try #require(report.findings.first)).fix == #"add "eth0.*" to "external" in the policy and apply it"#)
        let fixed = try F.policy(F.routerJSON.replacingOccurrences(of: #""ppp0"]"#, with: #""ppp0", "eth0.*"]"#))
        #expect(Audit.run(F.snapshot(fixed, links: Self.routerHost(extra: [vlan])), policy: fixed).findings.isEmpty)
    }

    @Test func macvlanOnAnInternalLinkIsNotAFinding() throws {
        let policy = try F.router()
        let macvlan = try RouteMessage.link(CapturedLinkMessages.mv0)   // lower index 3: br-lan here
        let report = Audit.run(F.snapshot(policy, links: Self.routerHost(extra: [macvlan])), policy: policy)
        #expect(report.findings.isEmpty, "\(report.text)")
    }

    @Test(arguments: ["gre", "ipip", "sit", "wireguard", "vxlan"])
    func tunnelsNotExternalAreWarnings(kind: String) throws {
        let policy = try F.router()
        let tunnel = try RouteMessage.link(F.newLink(index: 11, name: "tun0", kind: kind, lower: 2))
        let report = Audit.run(F.snapshot(policy, links: Self.routerHost(extra: [tunnel])), policy: policy)
        #expect(Self.classes(report) == ["tunnel-not-external"])
        #expect((try #require(report.findings.first)).severity == .warning && report.ok)
        let trusted = try F.policy(F.routerJSON.replacingOccurrences(of: #""br-lan"]"#, with: #""br-lan", "tun0"]"#))
        #expect(Audit.run(F.snapshot(trusted, links: Self.routerHost(extra: [tunnel])), policy: trusted).findings.isEmpty)
    }

    @Test func bridgeWithAnExternalPortNeedsTheBridgeHook() throws {
        let policy = try F.router()
        var port = F.eth0
        port.masterIndex = 3
        let links = [F.lo, port, HostLink(name: "br-lan", index: 3, kind: .bridge)]
        let report = Audit.run(F.snapshot(policy, links: links), policy: policy)
        #expect(Self.classes(report) == ["bridge-without-bridge-hook"])
        #expect((try #require(report.findings.first)).object == "br-lan")
        let bridged = try F.policy(F.routerJSON.replacingOccurrences(of: #"["prerouting"]"#, with: #"["prerouting", "bridge"]"#))
        #expect(Audit.run(F.snapshot(bridged, links: links), policy: bridged).findings.isEmpty)
    }

    @Test func ingressDevicesMissingAndUnbound() throws {
        let listed = try F.policy(#"{"version": 1, "external": ["eth0", "ghost0"], "hooks": ["ingress"]}"#)
        let missing = Audit.run(F.snapshot(listed, links: [F.lo, F.eth0]), policy: listed)
        #expect(Self.classes(missing) == ["ingress-device-missing"])
        #expect((try #require(missing.findings.first)).object == "ghost0" && missing.ok)

        let narrow = try F.policy(#"{"version": 1, "external": ["eth0"], "hooks": ["ingress"]}"#)
        let wide = try F.policy(#"{"version": 1, "external": ["eth0", "eth2"], "hooks": ["ingress"]}"#)
        let eth2 = HostLink(name: "eth2", index: 4, kind: .veth)
        let unbound = Audit.run(F.snapshot(wide, links: [F.lo, F.eth0, eth2], loaded: Compiler.compile(narrow)), policy: wide)
        #expect(Set(Self.classes(unbound)) == ["ingress-device-unbound", "guard-table-drift", "guard-proof-failed"])
        #expect(unbound.findings.first { $0.findingClass == .ingressDeviceUnbound }?.object == "eth2")
    }

    /// A listed device that does not exist: on a kernel that hooks it when it appears the
    /// chain just waits (info, nothing to do); on one that never will, it is a gap that
    /// `spoofguard watch` closes (warning); unprobed, the old warning.
    @Test func aMissingIngressDeviceIsJudgedByTheKernelsFeatures() throws {
        let listed = try F.policy(#"{"version": 1, "external": ["eth0", "ghost0"], "hooks": ["ingress"]}"#)
        func finding(_ features: KernelFeatures?) throws -> AuditFinding {
            var snapshot = F.snapshot(listed, links: [F.lo, F.eth0])
            snapshot.kernelFeatures = features
            let report = Audit.run(snapshot, policy: listed)
            // (Such a kernel cannot have loaded ghost0 while it was absent: the table also
            // differs from what `spoofguard watch` would load there.)
            let expected = features?.absentDevices == false ? ["guard-table-drift", "ingress-device-missing"] : ["ingress-device-missing"]
            #expect(Self.classes(report) == expected)
            return try #require(report.findings.first { $0.findingClass == .ingressDeviceMissing })
        }
        let waits = try finding(KernelFeatures(absentDevices: true, devicePrefixes: true))
        #expect(waits.severity == .info)
        #expect(waits.detail == "netdev spoofguard chain ingress lists ghost0, which does not exist yet: this kernel hooks it when it appears")
        #expect(waits.fix == #"nothing to do; remove ghost0 from "external" and apply if it will never exist"#)

        let never = try finding(KernelFeatures(absentDevices: false, devicePrefixes: false))
        #expect(never.severity == .warning)
        #expect(never.detail == "netdev spoofguard chain ingress lists ghost0, which does not exist, and this kernel does not hook a device that appears later: it will not be guarded at ingress")
        #expect(never.fix == #"run `spoofguard watch` (it re-applies when ghost0 appears), or remove it from "external" in the policy and apply it"#)

        let unknown = try finding(nil)
        #expect(unknown.severity == .warning && unknown.fix.contains("spoofguard watch"))
    }

    /// `--format prometheus` labels a class with its findings' own severity, as text and JSON
    /// do: a missing ingress device is info on a kernel that hooks it when it appears, a
    /// warning on one that never will or that was not probed; a class without findings keeps
    /// its own severity. Still one sample per class.
    @Test func prometheusCarriesTheFindingsOwnSeverity() throws {
        let listed = try F.policy(#"{"version": 1, "external": ["eth0", "ghost0"], "hooks": ["ingress"]}"#)
        func metrics(_ features: KernelFeatures?, policy: Policy) -> String {
            var snapshot = F.snapshot(policy, links: [F.lo, F.eth0])
            snapshot.kernelFeatures = features
            let metrics = Audit.run(snapshot, policy: policy).prometheus
            #expect(metrics.split(separator: "\n").filter { $0.hasPrefix("spoofguard_audit_findings{") }.count == FindingClass.allCases.count)
            return metrics
        }
        let sample = #"spoofguard_audit_findings{table="spoofguard",severity="#
        let waits = metrics(KernelFeatures(absentDevices: true, devicePrefixes: true), policy: listed)
        #expect(waits.contains(sample + #""info",class="ingress-device-missing"} 1"#), "\(waits)")
        #expect(!waits.contains(#"class="ingress-device-missing"} 0"#))
        #expect(waits.contains("spoofguard_audit_ok{table=\"spoofguard\"} 1\n"))
        let never = metrics(KernelFeatures(absentDevices: false, devicePrefixes: false), policy: listed)
        #expect(never.contains(sample + #""warning",class="ingress-device-missing"} 1"#), "\(never)")
        #expect(metrics(nil, policy: listed).contains(sample + #""warning",class="ingress-device-missing"} 1"#))
        let present = try F.policy(#"{"version": 1, "external": ["eth0"], "hooks": ["ingress"]}"#)
        #expect(metrics(KernelFeatures(absentDevices: true, devicePrefixes: true), policy: present)
            .contains(sample + #""warning",class="ingress-device-missing"} 0"#))
    }

    /// What `spoofguard watch` loads on a kernel without the netdev features (the chain bound to
    /// the present devices) is the policy there: no drift, no missing device.
    @Test func aChainBoundByTheWatchAgentIsNotDrift() throws {
        let policy = try F.policy(#"{"version": 1, "external": ["eth*", "ghost0"], "hooks": ["ingress"]}"#)
        let old = KernelFeatures(absentDevices: false, devicePrefixes: false)
        let links = [F.lo, F.eth0]
        var snapshot = F.snapshot(policy, links: links,
                                  loaded: IngressBinding(Compiler.compile(policy), features: old, links: links.map(\.name)).ruleset)
        snapshot.kernelFeatures = old
        #expect(Audit.run(snapshot, policy: policy).findings.isEmpty)
        // The same table on a kernel with both features is narrower than the policy.
        snapshot.kernelFeatures = KernelFeatures(absentDevices: true, devicePrefixes: true)
        #expect(Self.classes(Audit.run(snapshot, policy: policy)).contains("guard-table-drift"))
    }

    static func mangler(priority: Int32, family: TableFamily = .ip, hook: Hook = .prerouting, devices: [String] = [],
                        effects: [RuleEffect]) -> HostChain {
        HostChain(family: family, table: "mangler", name: "pre", hook: hook, priority: Priority(rawValue: priority),
                  devices: devices, rules: [HostRule(handle: 4, effects: effects)])
    }

    @Test func foreignChainBeforeTheGuardThatRewritesTheSource() throws {
        let policy = try F.router()
        let write = RuleEffect.payloadWrite(base: .network, offset: 12, length: 4)
        let early = Audit.run(F.snapshot(policy, links: Self.routerHost(), foreign: [Self.mangler(priority: -400, effects: [write])]), policy: policy)
        #expect(Self.classes(early) == ["foreign-chain-rewrites-address"])
        #expect((try #require(early.findings.first)).object == "ip mangler chain pre rule handle 4")
        #expect((try #require(early.findings.first)).fix.contains("nft delete rule ip mangler pre handle 4"))
        #expect((try #require(early.findings.first)).fix.contains("priority above -300"))
        // After spoofguard's chain, or only a TTL write, or only a drop: nothing to report.
        let late = Audit.run(F.snapshot(policy, links: Self.routerHost(), foreign: [Self.mangler(priority: -250, effects: [write])]), policy: policy)
        #expect(late.findings.isEmpty)
        let ttl = RuleEffect.payloadWrite(base: .network, offset: 8, length: 1)
        let ttlOnly = Audit.run(F.snapshot(policy, links: Self.routerHost(),
                                           foreign: [Self.mangler(priority: -400, family: .inet, effects: [ttl])]), policy: policy)
        #expect(ttlOnly.findings.isEmpty)
        let dropOnly = Audit.run(F.snapshot(policy, links: Self.routerHost(), foreign: [Self.mangler(priority: -400, effects: [])]), policy: policy)
        #expect(dropOnly.findings.isEmpty)
    }

    @Test func netdevIngressChainThatForwardsComesBeforeAnyPrerouting() throws {
        let policy = try F.router()
        let fwd = Self.mangler(priority: 100, family: .netdev, hook: .ingress, devices: ["eth0"], effects: [.forward, .nat("dnat")])
        let report = Audit.run(F.snapshot(policy, links: Self.routerHost(), foreign: [fwd]), policy: policy)
        #expect(Set(Self.classes(report)) == ["foreign-chain-diverts-packet", "foreign-chain-rewrites-address"])
        // dup in an inet chain copies the packet but leaves it to spoofguard: not a way around it.
        let dup = Self.mangler(priority: -400, family: .inet, effects: [.duplicate])
        #expect(Audit.run(F.snapshot(policy, links: Self.routerHost(), foreign: [dup]), policy: policy).findings.isEmpty)
    }

    @Test func routeLocalnetWithoutADestinationGuard() throws {
        let sourcesOnly = try F.policy(#"{"version": 1, "external": ["eth0"], "guard": {"destination": []}}"#)
        var snapshot = F.snapshot(sourcesOnly, links: [F.lo, F.eth0, HostLink(name: "lan0", index: 5)])
        snapshot.sysctls.routeLocalnet = ["all": 0, "default": 0, "eth0": 1, "lan0": 1]
        let own = Audit.run(snapshot, policy: sourcesOnly)
        #expect(Self.classes(own) == ["route-localnet-enabled"])
        #expect((try #require(own.findings.first)).object == "net.ipv4.conf.eth0.route_localnet")
        #expect((try #require(own.findings.first)).fix.hasPrefix("sysctl -w net.ipv4.conf.eth0.route_localnet=0"))
        snapshot.sysctls.routeLocalnet = ["all": 1]
        #expect(Audit.run(snapshot, policy: sourcesOnly).findings.map(\.object) == ["net.ipv4.conf.all.route_localnet"])
        // Without a policy the loaded table is judged the same way.
        #expect(Self.classes(Audit.run(snapshot, policy: nil)) == ["route-localnet-enabled"])
        // A guard that drops destination 127/8 makes it harmless.
        let router = try F.router()
        var guarded = F.snapshot(router, links: Self.routerHost())
        guarded.sysctls.routeLocalnet = ["all": 1]
        #expect(Audit.run(guarded, policy: router).findings.isEmpty)
        #expect(Audit.run(guarded, policy: nil).findings.isEmpty)
    }

    @Test func liveRouteLocalnetChangesTheKernelNoteNotTheProof() throws {
        let policy = try F.router()
        var snapshot = F.snapshot(policy, links: Self.routerHost())
        snapshot.sysctls.routeLocalnet = ["eth0": 1]
        let proof = try #require(Audit.run(snapshot, policy: policy).proof)
        #expect(proof.holds)
        let destination = try #require(proof.results.first { $0.property == .guardedDestinationsDropped && $0.family == .ipv4 })
        #expect(destination.kernel?.stages.contains(.ipv4MartianDestination(.loopback)) == false)
        let plain = try #require(Audit.run(F.snapshot(policy, links: Self.routerHost()), policy: policy).proof)
        let before = try #require(plain.results.first { $0.property == .guardedDestinationsDropped && $0.family == .ipv4 })
        #expect(before.kernel?.stages.contains(.ipv4MartianDestination(.loopback)) == true)
    }

    @Test func legacyTablesAreInfoOnly() throws {
        let policy = try F.router()
        var snapshot = F.snapshot(policy, links: Self.routerHost())
        snapshot.legacyTables = [LegacyTables(tool: .iptables, tables: ["filter", "raw"])]
        let report = Audit.run(snapshot, policy: policy)
        #expect(Self.classes(report) == ["iptables-legacy-present"])
        #expect((try #require(report.findings.first)).severity == .info && report.ok)
        #expect((try #require(report.findings.first)).detail == "iptables-legacy tables loaded: filter, raw")
    }

    @Test func prometheusAndJSONCarryEveryClass() throws {
        let policy = try F.router()
        let report = Audit.run(F.snapshot(policy, links: Self.routerHost(), loaded: Ruleset()), policy: policy)
        let metrics = report.prometheus
        #expect(metrics.contains(#"spoofguard_audit_findings{table="spoofguard",severity="error",class="guard-table-missing"} 1"#))
        #expect(metrics.contains(#"spoofguard_audit_findings{table="spoofguard",severity="warning",class="tunnel-not-external"} 0"#))
        #expect(metrics.hasSuffix("spoofguard_audit_ok{table=\"spoofguard\"} 0\n"))
        #expect(metrics.split(separator: "\n").filter { $0.hasPrefix("spoofguard_audit_findings{") }.count == FindingClass.allCases.count)
        let json = report.json.serialized
        #expect(json.hasPrefix(#"{"ok": false, "table": "spoofguard", "policy": true, "proof": null, "interfaces": ["#))
        #expect(json.contains(#""class": "guard-table-missing", "severity": "error", "object": "table spoofguard""#))
    }
}
