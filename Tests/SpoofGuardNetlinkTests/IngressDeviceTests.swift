import Foundation
import SpoofGuard
import SpoofGuardNetlink
import Testing
import SpoofGuardTestSupport

/// Ingress chains on devices that come and go (kernel 6.18: both features). Frames claiming
/// 127.0.0.1 are sent out of a veth's peer, so they arrive on the guarded name as from the wire;
/// the oracle is the rule counters read back over netlink (nft 1.0.6 cannot list a
/// prefix-hooked chain).
@Suite(.serialized, .kernel)
struct IngressDeviceTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts/send-loopback-spoof.py").path

    static func ingressPolicy(_ external: [String]) throws -> Ruleset {
        let names = external.map { "\"\($0)\"" }.joined(separator: ", ")
        let json = #"{"version": 1, "external": [\#(names)], "hooks": ["ingress"]}"#
        return Compiler.compile(try Policy.decode(Array(json.utf8), source: "test"))
    }

    /// Packets the guard's IPv4 loopback-source rule counted so far.
    static func dropped(_ namespace: TestNamespace) throws -> UInt64 {
        let loaded = try namespace.kernel().read(tablesNamed: ["spoofguard"])
        return loaded.tables.flatMap(\.chains).flatMap(\.rules).compactMap(\.counter?.packets).reduce(0, +)
    }

    /// Creates `name` (its peer `p-name`), sends `count` spoofed frames into it, returns how many
    /// more the guard counted.
    static func inject(_ count: Int, into name: String, in namespace: TestNamespace, create: Bool = true) throws -> UInt64 {
        if create {
            try namespace.exec("ip", "link", "add", name, "type", "veth", "peer", "name", "p-\(name)")
            try namespace.exec("ip", "link", "set", name, "up")
            try namespace.exec("ip", "link", "set", "p-\(name)", "up")
        }
        let before = try dropped(namespace)
        try namespace.exec("/usr/bin/python3", script, "p-\(name)", String(count))
        return try dropped(namespace) - before
    }

    @Test func absentDeviceIsGuardedOnceItAppearsAndAfterItIsRecreated() throws {
        let namespace = try TestNamespace()
        #expect(try namespace.kernel().apply(Self.ingressPolicy(["wan0"])).changed)
        #expect(try Self.inject(3, into: "wan0", in: namespace) == 3)
        try namespace.exec("ip", "link", "del", "wan0")
        #expect(try Self.inject(4, into: "wan0", in: namespace) == 4)
    }

    @Test func prefixGuardsDevicesCreatedAfterApplyAndNoOthers() throws {
        let namespace = try TestNamespace()
        #expect(try namespace.kernel().apply(Self.ingressPolicy(["wan*"])).changed)
        #expect(try Self.inject(2, into: "wan0", in: namespace) == 2)
        #expect(try Self.inject(3, into: "wan7", in: namespace) == 3)
        #expect(try Self.inject(5, into: "lan0", in: namespace) == 0)
        // Read back as written: a second apply finds nothing to change.
        #expect(try namespace.kernel().apply(Self.ingressPolicy(["wan*"])).changed == false)
    }

    @Test func olderKernelRefusesWithTheMissingFeatureAndAppliesNothing() throws {
        let namespace = try TestNamespace()
        let old = KernelFeatures(absentDevices: false, devicePrefixes: false)
        #expect {
            try namespace.kernel().apply(Self.ingressPolicy(["wan*"]), features: old)
        } throws: { error in
            "\(error)" == #"netdev chain ingress of table netdev spoofguard binds to the prefix "wan*", but this kernel does not accept device prefixes on netdev hooks (NFTA_DEVICE_PREFIX, Linux 6.16 and later); use "prerouting" (it matches interface names, wildcards included), or list the devices and let `spoofguard watch` follow them"#
        }
        #expect {
            try namespace.kernel().apply(Self.ingressPolicy(["wan0"]), features: old)
        } throws: { error in
            "\(error)" == #"netdev chain ingress of table netdev spoofguard binds to "wan0", which does not exist, and this kernel does not bind netdev hooks to absent devices (Linux 6.16 and later); create the device first and let `spoofguard watch` re-apply when it appears, or use "prerouting""#
        }
        #expect(try namespace.nft("list", "ruleset").isEmpty)
        // A device that exists needs neither feature.
        try namespace.exec("ip", "link", "add", "wan0", "type", "veth", "peer", "name", "p-wan0")
        #expect(try namespace.kernel().apply(Self.ingressPolicy(["wan0"]), features: old).changed)
    }
}
