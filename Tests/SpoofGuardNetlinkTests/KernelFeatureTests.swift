import SpoofGuard
import SpoofGuardNetlink
import Testing
import SpoofGuardTestSupport

/// The feature probe and device prefixes on the running kernel (6.18 in CI: both features).
@Suite(.serialized, .kernel)
struct KernelFeatureTests {
    @Test func probeFindsBothFeaturesAndCommitsNothing() throws {
        let namespace = try TestNamespace()
        let kernel = try namespace.kernel()
        let before = try kernel.generation()
        let features = try kernel.features()
        #expect(features == KernelFeatures(absentDevices: true, devicePrefixes: true))
        #expect(try kernel.generation() == before)
        #expect(try namespace.nft("list", "ruleset").isEmpty)
    }

    /// `apply` takes the answer of a probe started before it (on its own connection and thread)
    /// and reports it as its own probe's; a probe that failed fails the apply with its error.
    @Test func applyTakesTheBackgroundProbesAnswer() throws {
        let namespace = try TestNamespace()
        let kernel = try namespace.kernel()
        let probe = BackgroundFeatureProbe(namespace: NetworkNamespace(nameOrPath: namespace.path))
        let report = try kernel.apply(Examples.prerouting, probe: probe)
        #expect(report.changed)
        #expect(report.kernelFeatures == (try kernel.features()))
        let missing = BackgroundFeatureProbe(namespace: NetworkNamespace(nameOrPath: "/nonexistent/netns"))
        #expect(throws: NetlinkError.self) { try kernel.apply(Examples.prerouting, probe: missing) }
    }

    /// A chain on a prefix and an absent name goes out as NFTA_DEVICE_PREFIX / NFTA_DEVICE_NAME
    /// and reads back as the same IR, so apply proves it and a second apply sends nothing.
    @Test func prefixAndAbsentDeviceReadBackAsWritten() throws {
        let namespace = try TestNamespace()
        let kernel = try namespace.kernel()
        let ruleset = Ruleset(tables: [Table(family: .netdev, name: "spoofguard", chains: [
            Chain(name: "ingress", base: BaseChain(hook: .ingress, priority: Priority(rawValue: -500),
                                                   devices: ["nosuch0", "wan*"]))
        ])])
        #expect(try kernel.apply(ruleset).changed)
        let loaded = try kernel.read(tablesNamed: ["spoofguard"])
        #expect(loaded.tables.first?.chains.first?.base?.devices == ["nosuch0", "wan*"])
        #expect(try kernel.apply(ruleset).changed == false)
    }
}
