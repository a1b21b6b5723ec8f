import Foundation
import Testing

@Suite("spoofguard dry-run (the built binary)")
struct DryRunCommandTests {
    static func temporaryPolicy(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("spoofguard-dry-run-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func examplePacketsGetTheirExpectedVerdicts() throws {
        let result = try BuiltBinary.run(["dry-run", "Examples/host-default.json", "--packets", "Examples/packets/packets.json"])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first == #"#1 wan0 127.0.0.1 -> 192.0.2.1 udp/53: drop by rule "guard.source ipv4" (iifname != @internal_interfaces ip saddr @source_ipv4 counter drop)"#)
        #expect(lines.contains("#5 wan0 ::1 -> 2001:db8::1 tcp/22: drop by kernel (ipv6 core: ::1 source on non-loopback device)"))
        #expect(!result.standardOutput.contains("[expected"))
    }

    @Test func mismatchExitsOneAndListsIt() throws {
        let packets = #"{"iif": "lo", "src": "127.0.0.1", "dst": "127.0.0.1", "expect": "drop"}"# + "\n"
        let result = try BuiltBinary.run(["dry-run", "Examples/host-default.json", "--packets", "-", "--drops"], standardInput: packets)
        #expect(result.status == 1)
        #expect(!result.standardOutput.contains("#1 lo 127.0.0.1 -> 127.0.0.1: accept"), "--drops hides accepted packets")
        #expect(result.standardOutput.contains("1 packets did not get the expected verdict:\n  #1 lo 127.0.0.1 -> 127.0.0.1: expected drop, got accept by nobody"))
    }

    @Test func jsonIsOneDocument() throws {
        let packets = #"[{"iif": "eth0", "src": "::ffff:127.0.0.1", "dst": "2001:db8::1"}, {"iif": "eth0", "src": "2001:db8::7", "dst": "2001:db8::1"}]"#
        let result = try BuiltBinary.run(["dry-run", "Examples/host-default.json", "--packets", "-", "--json"], standardInput: packets)
        #expect(result.status == 0, "\(result.standardError)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let results = try #require(document["results"] as? [[String: Any]])
        #expect(results.count == 2)
        #expect(results.first?["verdict"] as? String == "drop")
        let decider = try #require(results.first?["decided_by"] as? [String: Any])
        #expect((decider["rule"] as? [String: Any])?["comment"] as? String == "guard.source ipv6")
        #expect((results.last?["decided_by"] as? [String: Any])?["type"] as? String == "nobody")
        let totals = try #require(document["totals"] as? [String: Any])
        #expect(totals["dropped"] as? Int == 1 && totals["accepted"] as? Int == 1)
    }

    @Test func summaryPrintsOnlyTotals() throws {
        let packets = #"[{"iif": "eth0", "src": "127.0.0.1", "dst": "192.0.2.1"}, {"iif": "eth0", "src": "192.0.2.7", "dst": "192.0.2.1"}]"#
        let result = try BuiltBinary.run(["dry-run", "Examples/host-default.json", "--packets", "-", "--summary"], standardInput: packets)
        #expect(result.status == 0)
        #expect(!result.standardOutput.contains("#1"))
        #expect(result.standardOutput.hasPrefix("2 packets: 1 accepted, 1 dropped, 0 rejected\n"))
    }

    @Test func iifReplacesTheInterfaceOfEveryPacket() throws {
        let result = try BuiltBinary.run(["dry-run", "Examples/router.json", "--packets", "Examples/packets/interfaces.pcapng", "--iif", "br-lan", "--drops"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(!result.standardOutput.contains(" by rule "), "br-lan is internal: nothing is dropped by spoofguard")
    }

    /// Issue 14: a capture taken on a bridge port is evaluated on the bridge path when told so;
    /// each wrapped loopback source is dropped by the rule for its encapsulation, as the kernel
    /// test sees. Without --iif-kind the port is a routed one, where the kernel never takes the
    /// wrapped frames as IP.
    @Test func bridgedCaptureWithIifKindTakesTheBridgePath() throws {
        let capture = "Examples/packets/bridged-encapsulated.pcap"
        let bridged = try BuiltBinary.run(["dry-run", "Examples/bridge.json", "--packets", capture, "--iif", "eth1", "--iif-kind", "bridge-port"])
        #expect(bridged.status == 0, "\(bridged.standardError)")
        for comment in ["guard.source ipv4 802.1ad+802.1Q", "guard.source ipv6 802.1ad+802.1Q", "guard.source ipv4 802.1Q+802.1Q",
                        "guard.source ipv4 PPPoE", "guard.source ipv6 PPPoE", "guard.source ipv4 802.1Q+PPPoE"] {
            #expect(bridged.standardOutput.contains("drop by rule \"\(comment)\""), "\(comment): \(bridged.standardOutput)")
        }
        #expect(bridged.standardOutput.contains("7 packets: 1 accepted, 6 dropped"), "\(bridged.standardOutput)")
        #expect(bridged.standardOutput.contains("1 frames without IP were not evaluated"))
        let routed = try BuiltBinary.run(["dry-run", "Examples/bridge.json", "--packets", capture, "--iif", "eth1"])
        #expect(routed.standardOutput.contains("7 packets: 0 accepted, 7 dropped"), "\(routed.standardOutput)")
        #expect(!routed.standardOutput.contains("drop by rule"))
        let bad = try BuiltBinary.run(["dry-run", "Examples/bridge.json", "--packets", capture, "--iif", "eth1", "--iif-kind", "bridge"])
        #expect(bad.status == 64)
    }

    @Test func withoutKernelChecksTheGuardRuleDecides() throws {
        let packets = #"[{"iif": "wan0", "src": "::1", "dst": "2001:db8::1"}]"#
        let current = try BuiltBinary.run(["dry-run", "Examples/host-default.json", "--packets", "-"], standardInput: packets)
        #expect(current.standardOutput.hasPrefix("#1 wan0 ::1 -> 2001:db8::1: drop by kernel (ipv6 core: ::1 source on non-loopback device)"))
        let older = try BuiltBinary.run(["dry-run", "Examples/host-default.json", "--packets", "-", "--no-kernel-checks"], standardInput: packets)
        #expect(older.standardOutput.hasPrefix(#"#1 wan0 ::1 -> 2001:db8::1: drop by rule "guard.source ipv6""#))
    }

    @Test func errorsUseSysexits() throws {
        #expect(try BuiltBinary.run(["dry-run", "Examples/host-default.json", "--packets", "/nonexistent/packets.json"]).status == 66)
        #expect(try BuiltBinary.run(["dry-run", "Examples/host-default.json", "--packets", "-"], standardInput: #"[{"iif": "eth0"}]"#).status == 65)
        #expect(try BuiltBinary.run(["dry-run", "-", "--packets", "-"]).status == 64)
        #expect(try BuiltBinary.run(["dry-run", "/nonexistent/policy.json", "--packets", "Examples/packets/packets.json"]).status == 66)
    }
}

@Suite("spoofguard verify (the built binary)")
struct VerifyCommandTests {
    @Test(arguments: ["router", "host-default", "bridge", "ingress", "strict"])
    func everyExampleIsProved(_ name: String) throws {
        let result = try BuiltBinary.run(["verify", "Examples/\(name).json"])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("PROVED: "))
    }

    @Test func routerReportNamesClassesAndCounts() throws {
        let result = try BuiltBinary.run(["verify", "Examples/router.json"])
        #expect(result.standardOutput.contains("interface classes: external eth0, external wan* (as wan0), external ppp0, unmatched interface (as sgunmatched0), lo, internal br-lan"))
        #expect(result.standardOutput.contains("ok   external wan* (as wan0) IPv4 routed: 2^24 sources × 2^32 destinations; the kernel drops some too (ipv4 route input: martian source 127/8), not e.g. wan0 127.0.0.1 -> 255.255.255.255 udp/53"))
    }

    @Test func guardWithoutLoopbackFailsWithACounterexample() throws {
        let policy = try DryRunCommandTests.temporaryPolicy(#"{"version": 1, "guard": {"source": ["10.0.0.0/8"]}}"#)
        defer { try? FileManager.default.removeItem(atPath: policy) }
        let result = try BuiltBinary.run(["verify", policy])
        #expect(result.status == 1)
        #expect(result.standardOutput.hasPrefix("FAILED"))
        #expect(result.standardOutput.contains("counterexample sgunmatched0 127.0.0.1 -> 192.0.2.1 udp/53 is accepted"))
        let json = try BuiltBinary.run(["verify", policy, "--json"])
        #expect(json.status == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(document["proved"] as? Bool == false)
        let failures = (document["results"] as? [[String: Any]] ?? []).filter { $0["holds"] as? Bool == false }
        #expect(failures.count == 2)
        #expect(((failures.first?["counterexample"] as? [String: Any])?["packet"] as? [String: Any])?["src"] as? String == "127.0.0.1")
    }

    @Test func policyFromStandardInput() throws {
        let result = try BuiltBinary.run(["verify", "-"], standardInput: #"{"version": 1}"#)
        #expect(result.status == 0, "\(result.standardError)")
    }
}
