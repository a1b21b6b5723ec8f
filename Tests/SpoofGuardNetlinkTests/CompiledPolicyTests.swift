import SpoofGuard
import SpoofGuardNetlink
import Testing
import SpoofGuardTestSupport

/// What the compiler emits, through the kernel and back.
@Suite(.serialized, .kernel)
struct CompiledPolicyTests {
    static func prefixes(_ texts: [String]) -> [IPPrefix] { texts.map { try! IPPrefix(parsing: $0) } }
    static func names(_ texts: [String]) -> [InterfacePattern] { texts.map { try! InterfacePattern(parsing: $0) } }

    static func policy(external: ExternalInterfaces, action: Action = Action(), hooks: [PolicyHook] = [.prerouting],
                       sources: [String] = ["127.0.0.0/8", "::1/128", "::ffff:127.0.0.0/104", "2002:7f00::/24"]) -> Policy {
        Policy(external: external, internal: names(["lo", "br-lan"]),
               guardedSources: [GuardEntry(origin: .literal("test"), prefixes: prefixes(sources), path: "$.guard.source[0]")],
               guardedDestinations: [GuardEntry(origin: .catalog("loopback"), prefixes: prefixes(["127.0.0.0/8", "::1"]), path: "$.guard.destination[0]")],
               action: action, hooks: hooks)
    }

    static let policies: [(String, Policy)] = [
        ("default", policy(external: .listed(names(["eth0", "ppp*", "wan*"])))),
        ("names only", policy(external: .listed(names(["eth0", "eth1"])))),
        ("all but internal, logged reject", policy(external: .allExceptInternal,
            action: Action(verdict: .reject, counter: true, log: LogAction()))),
        ("no counter, nflog group", policy(external: .listed(names(["wan0"])),
            action: Action(verdict: .drop, counter: false, log: LogAction(prefix: "sg ", group: 7)))),
        ("all hooks", policy(external: .listed(names(["sgdummy0", "sgpeer0"])), hooks: [.prerouting, .ingress, .bridge])),
        // Not with the bridge hook: this kernel has no bridge reject (nft fails the same way, ENOENT).
        ("prerouting and ingress, logged reject", policy(external: .listed(names(["sgdummy0"])),
            action: Action(verdict: .reject, counter: true, log: LogAction()), hooks: [.prerouting, .ingress])),
    ]

    @Test(arguments: policies.map(\.0))
    func appliesReadsBackEqualAndIsIdempotent(name: String) throws {
        let policy = Self.policies.first { $0.0 == name }!.1
        let ruleset = Compiler.compile(policy)
        let ns = try TestNamespace()
        try ns.exec("ip", "link", "add", "sgdummy0", "type", "veth", "peer", "name", "sgpeer0")
        let first = try ns.kernel().apply(ruleset)
        #expect(first.changed)
        let loaded = try ns.kernel().read(tablesNamed: [policy.table])
        #expect(loaded.kernelComparable == ruleset.kernelComparable)
        #expect(try !ns.kernel().apply(ruleset).changed)
    }

    /// The oracle: `nft list ruleset` after spoofguard's apply equals it after `nft -f` of the
    /// rendered text, in fresh namespaces.
    @Test(arguments: policies.map(\.0))
    func nftListsTheSameAsAfterNftF(name: String) throws {
        let ruleset = Compiler.compile(Self.policies.first { $0.0 == name }!.1)
        let ours = try TestNamespace()
        let theirs = try TestNamespace()
        for ns in [ours, theirs] { try ns.exec("ip", "link", "add", "sgdummy0", "type", "veth", "peer", "name", "sgpeer0") }
        try ours.kernel().apply(ruleset)
        try theirs.nft("-f", "-", input: NftTextRenderer.loadFile(ruleset))
        #expect(try ours.nft("list", "ruleset") == theirs.nft("list", "ruleset"))
        #expect(try theirs.kernel().read(tablesNamed: [ruleset.tables[0].name]).kernelComparable == ruleset.kernelComparable)
    }
}
