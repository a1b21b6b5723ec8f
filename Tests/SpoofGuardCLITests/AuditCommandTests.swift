import Foundation
import Testing
import SpoofGuardTestSupport

/// `spoofguard audit --netns … --json` on situations built for real in a private namespace
/// (the tests build them with `ip` and `nft`; the audit itself uses neither): each finding
/// class is asserted exactly, then fixed the way its message says, and the audit comes back clean.
@Suite(.serialized, .kernel)
struct AuditCommandTests {
    typealias K = KernelCommandTests

    struct Finding: Equatable {
        var findingClass: String
        var severity: String
        var object: String
        var fix: String
    }

    struct Audit {
        var status: Int32
        var report: [String: Any]
        var error: String
        var findings: [Finding] {
            (report["findings"] as? [[String: Any]] ?? []).map {
                Finding(findingClass: $0["class"] as! String, severity: $0["severity"] as! String,
                        object: $0["object"] as! String, fix: $0["fix"] as! String)
            }
        }
        var classes: [String] { findings.map(\.findingClass) }
        var isClean: Bool { status == 0 && findings.isEmpty && report["ok"] as? Bool == true }
    }

    static let router = try! String(contentsOf: BuiltBinary.packageRoot.appendingPathComponent("Examples/router.json"), encoding: .utf8)

    /// Examples/router.json with `edit` applied to its text.
    static func router(_ edit: (String) -> String = { $0 }) throws -> String {
        let path = NSTemporaryDirectory() + "spoofguard-audit-\(getpid())-\(UUID().uuidString).json"
        try edit(router).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func policy(_ text: String) throws -> String {
        try router { _ in text }
    }

    static func audit(_ ns: K.Namespace, _ policy: String?) throws -> Audit {
        let outcome = try K.execute([K.binary, "audit"] + (policy.map { [$0] } ?? []) + ["--json", "--netns", ns.name])
        let object = try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any]
        return Audit(status: outcome.status, report: try #require(object, "\(outcome.output) \(outcome.error)"), error: outcome.error)
    }

    /// Runs `ip -n NS …` and requires it to succeed.
    static func ip(_ ns: K.Namespace, _ arguments: String...) throws {
        let outcome = try K.execute(["ip", "-n", ns.name] + arguments)
        try #require(outcome.status == 0, "ip \(arguments.joined(separator: " ")): \(outcome.error)")
    }

    static func run(_ ns: K.Namespace, _ arguments: String...) throws {
        let outcome = try K.execute(["ip", "netns", "exec", ns.name] + arguments)
        try #require(outcome.status == 0, "\(arguments.joined(separator: " ")): \(outcome.error)")
    }

    static func apply(_ ns: K.Namespace, _ policy: String) throws {
        let applied = try ns.spoofguard("apply", policy)
        try #require(applied.status == 0, "\(applied.error)")
    }

    /// lo up, and eth0 (a veth whose peer eth0p stays unmatched) with the default route.
    static func upstreamNamespace() throws -> K.Namespace {
        let ns = try K.Namespace()
        try ip(ns, "link", "set", "lo", "up")
        try ip(ns, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0p")
        try ip(ns, "link", "set", "eth0", "up")
        try ip(ns, "link", "set", "eth0p", "up")
        try ip(ns, "address", "add", "192.0.2.2/24", "dev", "eth0")
        try ip(ns, "route", "add", "default", "via", "192.0.2.1")
        return ns
    }

    @Test func cleanRouterExitsZeroAndItsProofHolds() throws {
        let ns = try Self.upstreamNamespace()
        try Self.ip(ns, "link", "add", "br-lan", "type", "bridge")
        let path = "Examples/router.json"
        try Self.apply(ns, BuiltBinary.packageRoot.appendingPathComponent(path).path)
        let audit = try Self.audit(ns, BuiltBinary.packageRoot.appendingPathComponent(path).path)
        #expect(audit.isClean, "\(audit.report)")
        let proof = try #require(audit.report["proof"] as? [String: Any])
        #expect(proof["proved"] as? Bool == true)
        let interfaces = try #require(audit.report["interfaces"] as? [[String: Any]])
        let eth0 = try #require(interfaces.first { $0["name"] as? String == "eth0" })
        #expect(eth0["role"] as? String == "external")
        #expect(eth0["default_route"] as? [String] == ["ipv4"])
        #expect(eth0["guarded_by"] as? [String] == ["inet spoofguard"])
        #expect(interfaces.first { $0["name"] as? String == "br-lan" }?["kind"] as? String == "bridge")
        // The text form says the same.
        let text = try ns.spoofguard("audit", BuiltBinary.packageRoot.appendingPathComponent(path).path)
        #expect(text.status == 0)
        #expect(text.output.hasPrefix("OK: 0 errors, 0 warnings, 0 info\nproof: PROVED"), "\(text.output)")
    }

    @Test func missingTableThenApplied() throws {
        let ns = try Self.upstreamNamespace()
        let policy = try Self.router()
        let missing = try Self.audit(ns, policy)
        #expect(missing.status == 1)
        #expect(missing.findings == [Finding(findingClass: "guard-table-missing", severity: "error", object: "table spoofguard",
                                             fix: "spoofguard apply (the audited policy)")])
        try Self.apply(ns, policy)
        #expect(try Self.audit(ns, policy).isClean)
    }

    /// A guard rule deleted with `nft delete rule`: exit 1, drift, and a counterexample packet.
    @Test func handEditedTableFailsWithACounterexample() throws {
        let ns = try Self.upstreamNamespace()
        let policy = try Self.router()
        try Self.apply(ns, policy)
        let listing = try ns.nft("-a", "list", "chain", "inet", "spoofguard", "prerouting").output
        let line = try #require(listing.split(separator: "\n").first { $0.contains("\"guard.source ipv4\"") })
        let handle = try #require(line.split(separator: " ").last)
        #expect(try ns.nft("delete", "rule", "inet", "spoofguard", "prerouting", "handle", String(handle)).status == 0)

        let edited = try Self.audit(ns, policy)
        #expect(edited.status == 1)
        #expect(Set(edited.classes) == ["guard-table-drift", "guard-proof-failed"])
        let proof = try #require(edited.report["proof"] as? [String: Any])
        #expect(proof["proved"] as? Bool == false)
        let failure = try #require((proof["results"] as? [[String: Any]])?.first { $0["holds"] as? Bool == false })
        let packet = try #require((failure["counterexample"] as? [String: Any])?["packet"] as? [String: Any])
        #expect(packet["iif"] as? String == "eth0", "\(packet)")
        #expect((packet["src"] as? String)?.hasPrefix("127.") == true, "\(packet)")
        // Without the policy the core promise fails the same way.
        let bare = try Self.audit(ns, nil)
        #expect(bare.status == 1 && bare.classes == ["guard-proof-failed"])

        try Self.apply(ns, policy)
        #expect(try Self.audit(ns, policy).isClean)
    }

    /// Applies Examples/router.json, requires the audit to report exactly `finding` (exit 1 for
    /// an error, 0 for a warning), then applies the policy as `fix` edits it and requires a clean audit.
    static func expectFindingFixedByPolicy(_ ns: K.Namespace, _ finding: Finding, fix: (String) -> String) throws {
        let policy = try router()
        try apply(ns, policy)
        let audit = try audit(ns, policy)
        #expect(audit.status == (finding.severity == "error" ? 1 : 0))
        #expect(audit.findings == [finding])
        let fixed = try router(fix)
        try apply(ns, fixed)
        #expect(try Self.audit(ns, fixed).isClean)
    }

    static func addExternal(_ name: String) -> (String) -> String {
        { $0.replacingOccurrences(of: #""ppp0"]"#, with: #""ppp0", "\#(name)"]"#) }
    }

    @Test func defaultRouteOnALinkThatIsNotExternal() throws {
        let ns = try K.Namespace()
        try Self.ip(ns, "link", "add", "up0", "type", "veth", "peer", "name", "eth0")
        try Self.ip(ns, "link", "set", "up0", "up")
        try Self.ip(ns, "link", "set", "eth0", "up")
        try Self.ip(ns, "address", "add", "198.51.100.2/24", "dev", "up0")
        try Self.ip(ns, "route", "add", "default", "via", "198.51.100.1")
        try Self.expectFindingFixedByPolicy(ns, Finding(findingClass: "default-route-not-external", severity: "error", object: "up0",
                                                        fix: #"add "up0" to "external" in the policy and apply it"#),
                                            fix: Self.addExternal("up0"))
    }

    @Test func macvlanOnTheExternalLink() throws {
        let ns = try Self.upstreamNamespace()
        try Self.ip(ns, "link", "add", "link", "eth0", "name", "mv0", "type", "macvlan")
        try Self.expectFindingFixedByPolicy(ns, Finding(findingClass: "stacked-device-not-external", severity: "error", object: "mv0",
                                                        fix: #"add "mv0" to "external" in the policy and apply it"#),
                                            fix: Self.addExternal("mv0"))
    }

    @Test func vxlanTunnelIsAWarning() throws {
        let ns = try Self.upstreamNamespace()
        try Self.ip(ns, "link", "add", "vx0", "type", "vxlan", "id", "42", "dstport", "4789", "dev", "eth0")
        try Self.expectFindingFixedByPolicy(ns, Finding(findingClass: "tunnel-not-external", severity: "warning", object: "vx0",
                                                        fix: #"add "vx0" to "external" in the policy and apply it (or to "internal" if every peer is trusted)"#),
                                            fix: Self.addExternal("vx0"))
    }

    @Test func bridgeWithAnExternalPortWithoutTheBridgeHook() throws {
        let ns = try Self.upstreamNamespace()
        try Self.ip(ns, "link", "add", "br0", "type", "bridge")
        try Self.ip(ns, "link", "set", "eth0", "master", "br0")
        try Self.expectFindingFixedByPolicy(ns, Finding(findingClass: "bridge-without-bridge-hook", severity: "error", object: "br0",
                                                        fix: #"add "bridge" to "hooks" in the policy and apply it"#),
                                            fix: { $0.replacingOccurrences(of: #"["prerouting"]"#, with: #"["prerouting", "bridge"]"#) })
    }

    @Test func ingressChainListsADeviceThatDoesNotExist() throws {
        let ns = try Self.upstreamNamespace()
        let policy = try Self.policy(#"{"version": 1, "external": ["eth0", "ghost0"], "hooks": ["prerouting", "ingress"]}"#)
        try Self.apply(ns, policy)
        let audit = try Self.audit(ns, policy)
        #expect(audit.status == 0)
        #expect(audit.classes == ["ingress-device-missing"])
        #expect(audit.findings.first?.object == "ghost0")
        // This kernel hooks ghost0 when it appears (probed): nothing to fix.
        #expect(audit.findings.first?.severity == "info")
        try Self.ip(ns, "link", "add", "ghost0", "type", "veth", "peer", "name", "ghost0p")
        #expect(try Self.audit(ns, policy).isClean)
    }

    @Test func externalLinkMissingFromTheIngressChain() throws {
        let ns = try Self.upstreamNamespace()
        try Self.ip(ns, "link", "add", "eth2", "type", "veth", "peer", "name", "eth2p")
        let narrow = try Self.policy(#"{"version": 1, "external": ["eth0"], "hooks": ["prerouting", "ingress"]}"#)
        let wide = try Self.policy(#"{"version": 1, "external": ["eth0", "eth2"], "hooks": ["prerouting", "ingress"]}"#)
        try Self.apply(ns, narrow)
        let audit = try Self.audit(ns, wide)
        #expect(audit.status == 1)
        #expect(audit.findings.contains(Finding(findingClass: "ingress-device-unbound", severity: "error", object: "eth2",
                                                fix: #"list "eth2" in "external" and apply the policy again"#)))
        #expect(audit.classes.contains("guard-table-drift"))
        try Self.apply(ns, wide)
        #expect(try Self.audit(ns, wide).isClean)
    }

    @Test func foreignChainAtMinus400RewritesTheSource() throws {
        let ns = try Self.upstreamNamespace()
        let policy = try Self.router()
        try Self.apply(ns, policy)
        let mangler = { (priority: Int) in
            "table ip mangler {\n\tchain pre {\n\t\ttype filter hook prerouting priority \(priority); policy accept;\n\t\tip saddr set 10.0.0.1\n\t}\n}\n"
        }
        #expect(try ns.nft("-f", "-", input: mangler(-400)).status == 0)
        let handle = try #require(try ns.nft("-a", "list", "chain", "ip", "mangler", "pre").output
            .split(separator: "\n").first { $0.contains("saddr set") }?.split(separator: " ").last)
        let audit = try Self.audit(ns, policy)
        #expect(audit.status == 1)
        let object = "ip mangler chain pre rule handle \(handle)"
        #expect(audit.findings == [Finding(findingClass: "foreign-chain-rewrites-address", severity: "error", object: object,
                                           fix: "delete the rule (nft delete rule ip mangler pre handle \(handle)) or move the chain after spoofguard's: recreate it with priority above -300")])
        // Moved after spoofguard's chain, as the fix says.
        #expect(try ns.nft("delete", "table", "ip", "mangler").status == 0)
        #expect(try ns.nft("-f", "-", input: mangler(-250)).status == 0)
        #expect(try Self.audit(ns, policy).isClean)
    }

    /// Loads `ruleset` (nft text, one table `family table` with chain `chain`) beside the applied
    /// router policy; the audit must report exactly `findingClass` for the rule containing
    /// `marker`; deleting that rule, as the fix says, must leave the audit clean.
    static func expectForeignRule(_ ruleset: String, family: String, table: String, chain: String, marker: String,
                                  findingClass: String) throws {
        let ns = try upstreamNamespace()
        let policy = try router()
        try apply(ns, policy)
        #expect(try ns.nft("-f", "-", input: ruleset).status == 0)
        let handle = try #require(try ns.nft("-a", "list", "chain", family, table, chain).output
            .split(separator: "\n").first { $0.contains(marker) }?.split(separator: " ").last)
        let audit = try audit(ns, policy)
        #expect(audit.status == 1)
        #expect(audit.classes == [findingClass])
        #expect(audit.findings.first?.object == "\(family) \(table) chain \(chain) rule handle \(handle)")
        #expect(try ns.nft("delete", "rule", family, table, chain, "handle", String(handle)).status == 0)
        #expect(try Self.audit(ns, policy).isClean)
    }

    @Test func netdevIngressChainForwardsThePacketAway() throws {
        let forwarder = "table netdev fw {\n\tchain in {\n\t\ttype filter hook ingress device \"eth0\" priority 0; policy accept;\n\t\tfwd to \"eth0p\"\n\t}\n}\n"
        try Self.expectForeignRule(forwarder, family: "netdev", table: "fw", chain: "in", marker: "fwd to",
                                   findingClass: "foreign-chain-diverts-packet")
    }

    /// inet's own ingress hook (NF_INET_INGRESS, number 5 in that family) runs before prerouting too.
    @Test func inetIngressChainRewritesBeforePrerouting() throws {
        let early = "table inet early {\n\tchain i {\n\t\ttype filter hook ingress device \"eth0\" priority -500; policy accept;\n\t\tip saddr set 10.0.0.1\n\t}\n}\n"
        try Self.expectForeignRule(early, family: "inet", table: "early", chain: "i", marker: "saddr set",
                                   findingClass: "foreign-chain-rewrites-address")
    }

    @Test func routeLocalnetOnTheExternalLinkWithoutADestinationGuard() throws {
        let ns = try Self.upstreamNamespace()
        let policy = try Self.policy(#"{"version": 1, "external": ["eth0"], "guard": {"destination": []}}"#)
        try Self.apply(ns, policy)
        try Self.run(ns, "sysctl", "-qw", "net.ipv4.conf.eth0.route_localnet=1")
        let audit = try Self.audit(ns, policy)
        #expect(audit.status == 1)
        #expect(audit.classes == ["route-localnet-enabled"])
        #expect(audit.findings.first?.object == "net.ipv4.conf.eth0.route_localnet")
        let interfaces = try #require(audit.report["interfaces"] as? [[String: Any]])
        #expect(interfaces.first { $0["name"] as? String == "eth0" }?["route_localnet"] as? Bool == true)
        let sysctls = try #require(audit.report["sysctls"] as? [String: [String: Int]])
        #expect(sysctls["route_localnet"]?["eth0"] == 1 && sysctls["route_localnet"]?["all"] == 0)
        #expect(sysctls["rp_filter"]?["default"] != nil)
        try Self.run(ns, "sysctl", "-qw", "net.ipv4.conf.eth0.route_localnet=0")
        #expect(try Self.audit(ns, policy).isClean)
    }

    @Test func badInputExitsWithItsCode() throws {
        let ns = try Self.upstreamNamespace()
        let unreadable = try K.execute([K.binary, "audit", "/nonexistent/policy.json", "--netns", ns.name])
        #expect(unreadable.status == 66, "\(unreadable.error)")
        #expect(unreadable.error.contains("/nonexistent/policy.json"))
        let invalid = try Self.policy(#"{"version": 1, "external": ["eth0"], "hooks": ["prerouting", "egress"]}"#)
        let rejected = try K.execute([K.binary, "audit", invalid, "--netns", ns.name])
        #expect(rejected.status == 65, "\(rejected.error)")
        #expect(rejected.error.contains("$.hooks[1]"), "\(rejected.error)")
        let usage = try K.execute([K.binary, "audit", "--format", "yaml", "--netns", ns.name])
        #expect(usage.status == 64)
    }

    @Test func withoutCapNetAdminExits77() throws {
        let ns = try Self.upstreamNamespace()
        let outcome = try K.execute(["ip", "netns", "exec", ns.name, "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                     "--inh-caps=-all", "--bounding-set=-all", K.binary, "audit"])
        #expect(outcome.status == 77, "\(outcome.error)")
        #expect(outcome.error.contains("CAP_NET_ADMIN"))
    }

    /// What Examples/spoofguard-audit.service grants is enough: nobody with CAP_NET_ADMIN alone.
    @Test func capNetAdminAloneIsEnough() throws {
        let ns = try Self.upstreamNamespace()
        let policy = try Self.router()
        chmod(policy, 0o644)
        try Self.apply(ns, policy)
        let outcome = try K.execute(["ip", "netns", "exec", ns.name, "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                     "--inh-caps=-all,+net_admin", "--ambient-caps=-all,+net_admin", "--bounding-set=-all,+net_admin",
                                     K.binary, "audit", policy])
        #expect(outcome.status == 0, "\(outcome.output)\(outcome.error)")
        #expect(outcome.output.hasPrefix("OK: 0 errors"))
    }

    /// Audit only reads: the ruleset listing (with handles and counters) and the sysctls are
    /// the same before and after, whatever it finds.
    @Test func auditChangesNothing() throws {
        let ns = try Self.upstreamNamespace()
        let policy = try Self.router()
        try Self.apply(ns, policy)
        #expect(try ns.nft("-f", "-", input: K.guardText.replacingOccurrences(of: "table inet spoofguard", with: "table inet other")).status == 0)
        try Self.run(ns, "sysctl", "-qw", "net.ipv4.conf.all.route_localnet=1")
        let before = try ns.nft("-a", "list", "ruleset").output
        let sysctlBefore = try K.execute(["ip", "netns", "exec", ns.name, "sysctl", "-a", "--pattern", "net.ipv4.conf"]).output
        for arguments in [[policy, "--json"], [], ["--format", "prometheus"]] {
            _ = try K.execute([K.binary, "audit"] + arguments + ["--netns", ns.name])
        }
        #expect(try ns.nft("-a", "list", "ruleset").output == before)
        #expect(try K.execute(["ip", "netns", "exec", ns.name, "sysctl", "-a", "--pattern", "net.ipv4.conf"]).output == sysctlBefore)
    }

    @Test func prometheusOutputCountsFindingsByClass() throws {
        let ns = try Self.upstreamNamespace()
        let outcome = try ns.spoofguard("audit", "--format", "prometheus")
        #expect(outcome.status == 1)
        #expect(outcome.output.contains(#"spoofguard_audit_findings{table="spoofguard",severity="error",class="guard-table-missing"} 1"#))
        #expect(outcome.output.hasSuffix("spoofguard_audit_ok{table=\"spoofguard\"} 0\n"))
    }
}
