import SpoofGuard
import Testing

/// What `spoofguard watch` loads on a kernel without device prefixes or hooks on absent
/// devices: the ingress chains bound to the links of a snapshot.
struct IngressBindingTests {
    static let none = KernelFeatures(absentDevices: false, devicePrefixes: false)
    static let full = KernelFeatures(absentDevices: true, devicePrefixes: true)
    static let links = ["lo", "lan0", "wan0", "wan7", "wanderer", "ppp0", "eth0"]

    static func ingress(_ devices: [String]) -> Ruleset {
        KernelFeaturesTests.ingress(devices)
    }

    @Test func aPrefixBecomesThePresentLinksItMatchesByExactName() {
        #expect(IngressBinding.devices(["wan*"], features: Self.none, links: Self.links) == ["wan0", "wan7", "wanderer"])
        #expect(IngressBinding.devices(["wan*", "ppp*"], features: Self.none, links: Self.links) == ["ppp0", "wan0", "wan7", "wanderer"])
        // The empty prefix ("*") matches every link; an overlapping name is listed once.
        #expect(IngressBinding.devices(["wan*", "wan0"], features: Self.none, links: Self.links) == ["wan0", "wan7", "wanderer"])
        #expect(IngressBinding.devices(["*"], features: Self.none, links: ["b", "a"]) == ["a", "b"])
        #expect(IngressBinding.devices(["tun*"], features: Self.none, links: Self.links) == [])
    }

    @Test func anExactNameStaysOnlyWhileItsLinkExists() {
        #expect(IngressBinding.devices(["eth0", "ghost0"], features: Self.none, links: Self.links) == ["eth0"])
        let namesOnly = KernelFeatures(absentDevices: true, devicePrefixes: false)
        #expect(IngressBinding.devices(["ghost0", "wan*"], features: namesOnly, links: Self.links) == ["ghost0", "wan0", "wan7", "wanderer"])
        let prefixesOnly = KernelFeatures(absentDevices: false, devicePrefixes: true)
        #expect(IngressBinding.devices(["ghost0", "wan*"], features: prefixesOnly, links: Self.links) == ["wan*"])
    }

    @Test func aKernelWithBothFeaturesGetsTheRulesetAsCompiled() {
        let ruleset = Self.ingress(["ghost0", "wan*"])
        let binding = IngressBinding(ruleset, features: Self.full, links: [])
        #expect(binding.ruleset == ruleset)
        #expect(binding.notes.isEmpty)
    }

    @Test func aNarrowedChainKeepsItsRulesAndSaysWhy() throws {
        let policy = try Policy.decode(Array(#"{"version": 1, "external": ["wan*", "ghost0"], "hooks": ["prerouting", "ingress"]}"#.utf8),
                                       source: "test")
        let compiled = Compiler.compile(policy)
        let binding = IngressBinding(compiled, features: Self.none, links: Self.links)
        var expected = compiled
        let netdev = try #require(expected.tables.firstIndex { $0.family == .netdev })
        expected.tables[netdev].chains[0].base?.devices = ["wan0", "wan7", "wanderer"]
        #expect(binding.ruleset == expected)
        #expect(binding.notes == ["netdev spoofguard chain ingress on wan0, wan7, wanderer (for ghost0, wan*)"])
    }

    /// Kernels that cannot hook absent devices refuse a netdev chain without devices (EINVAL):
    /// the chain is left out, the rest of the table (sets, other chains) stays.
    @Test func aChainWithNoPresentDeviceIsLeftOut() throws {
        let policy = try Policy.decode(Array(#"{"version": 1, "external": ["wan*"], "hooks": ["ingress"], "action": {"log": {"prefix": "spoof "}}}"#.utf8),
                                       source: "test")
        let compiled = Compiler.compile(policy)
        let binding = IngressBinding(compiled, features: Self.none, links: ["lo", "lan0"])
        let table = try #require(binding.ruleset.tables.first)
        #expect(table.chains.map(\.name) == compiled.tables[0].chains.map(\.name).filter { $0 != "ingress" })
        #expect(table.sets == compiled.tables[0].sets)
        #expect(binding.notes == ["netdev spoofguard chain ingress left out: no device matching wan* exists and this kernel cannot hook absent devices"])
    }

    @Test func simulatedFeaturesAreNamedExactly() {
        #expect(KernelFeatures(simulating: "none") == Self.none)
        #expect(KernelFeatures(simulating: "absent-devices,device-prefixes") == Self.full)
        #expect(KernelFeatures(simulating: "device-prefixes") == KernelFeatures(absentDevices: false, devicePrefixes: true))
        #expect(KernelFeatures(simulating: "") == nil)
        #expect(KernelFeatures(simulating: "none,absent-devices") == nil)
        #expect(KernelFeatures(simulating: "prefixes") == nil)
    }
}
