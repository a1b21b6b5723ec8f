import SpoofGuard
import Testing

/// Which devices of a compiled ruleset need which kernel feature, and why nft text cannot carry a prefix.
struct KernelFeaturesTests {
    static func ingress(_ devices: [String]) -> Ruleset {
        Ruleset(tables: [Table(family: .netdev, name: "spoofguard", chains: [
            Chain(name: "ingress", base: BaseChain(hook: .ingress, priority: .filter, devices: devices))
        ])])
    }

    @Test func eachDeviceNeedsOnlyItsOwnFeature() {
        let full = KernelFeatures(absentDevices: true, devicePrefixes: true)
        #expect(full.requirement(of: Self.ingress(["wan*", "gone0"]), existingDevices: []) == nil)
        let namesOnly = KernelFeatures(absentDevices: true, devicePrefixes: false)
        #expect(namesOnly.requirement(of: Self.ingress(["gone0", "wan*"]), existingDevices: [])?.feature == .devicePrefixes)
        let prefixesOnly = KernelFeatures(absentDevices: false, devicePrefixes: true)
        #expect(prefixesOnly.requirement(of: Self.ingress(["wan*", "eth0"]), existingDevices: ["eth0"]) == nil)
        #expect(prefixesOnly.requirement(of: Self.ingress(["wan*", "gone0"]), existingDevices: ["eth0"])?.device == "gone0")
        // Chains without devices (prerouting) need nothing.
        let none = KernelFeatures(absentDevices: false, devicePrefixes: false)
        #expect(none.requirement(of: Compiler.compile(Policy(external: .allExceptInternal, guardedSources: [], guardedDestinations: [])), existingDevices: []) == nil)
    }

    @Test func nftTextAndJSONRefuseADevicePrefix() {
        let reasons = RenderProblem.problems(in: Self.ingress(["eth0", "wan*"])).map(\.description)
        #expect(reasons == [#"table netdev spoofguard, chain ingress: the device prefix "wan*" needs NFTA_DEVICE_PREFIX, which nft 1.0.6 does not send: it would load "wan*" as a literal device name and guard no device; load this policy with `spoofguard apply` (netlink), or use "prerouting", which nft writes as an interface-name wildcard"#])
    }
}
