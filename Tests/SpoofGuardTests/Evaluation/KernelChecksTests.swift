import Testing
@testable import SpoofGuard

@Suite struct KernelChecksTests {
    static func v4(_ source: String, _ destination: String, kind: InputInterface.Kind = .ordinary, localnet: Bool = false) -> KernelStage? {
        KernelChecks.ipv4RouteInput(source: try! IPv4Address(parsing: source), destination: try! IPv4Address(parsing: destination),
                                    kind: kind, routeLocalnet: localnet)
    }

    @Test func ipv4MartiansFollowRouteInputOrder() {
        #expect(Self.v4("127.0.0.1", "192.0.2.1") == .ipv4MartianSource(.loopback))
        #expect(Self.v4("192.0.2.1", "127.0.0.1") == .ipv4MartianDestination(.loopback))
        #expect(Self.v4("127.0.0.1", "192.0.2.1", localnet: true) == nil)
        #expect(Self.v4("192.0.2.1", "127.0.0.1", localnet: true) == nil)
        // DHCP: 0.0.0.0 to limited broadcast is delivered; 0.0.0.0 elsewhere is martian.
        #expect(Self.v4("0.0.0.0", "255.255.255.255") == nil)
        #expect(Self.v4("0.0.0.0", "192.0.2.1") == .ipv4MartianSource(.unspecified))
        #expect(Self.v4("192.0.2.1", "0.0.0.0") == .ipv4MartianDestination(.unspecified))
        // Since Linux 5.3 the rest of 0.0.0.0/8 is ordinary unicast (seen by the kernel lab).
        #expect(Self.v4("192.0.2.1", "0.1.2.3") == nil)
        #expect(Self.v4("0.1.2.3", "192.0.2.1") == nil)
        #expect(Self.v4("224.0.0.1", "192.0.2.1") == .ipv4MartianSource(.multicastOrBroadcast))
        #expect(Self.v4("127.0.0.1", "255.255.255.255") == nil, "broadcast input comes before the loopback check")
        #expect(Self.v4("127.0.0.1", "239.1.1.1") == .ipv4MartianSource(.loopback))
        #expect(Self.v4("0.0.0.0", "224.0.0.22") == nil, "0/8 may reach link-local multicast (IGMP reports)")
        #expect(Self.v4("127.0.0.1", "127.0.0.1", kind: .loopback) == nil)
        #expect(Self.v4("198.51.100.7", "192.0.2.1") == nil)
    }

    @Test func ipv6CoreExemptsLoopbackAndVRF() {
        let loopback = IPv6Address.loopback
        let other = try! IPv6Address(parsing: "2001:db8::1")
        #expect(KernelChecks.ipv6Core(source: loopback, destination: other, kind: .ordinary) == .ipv6LoopbackAddress(.source))
        #expect(KernelChecks.ipv6Core(source: other, destination: loopback, kind: .bridgePort) == .ipv6LoopbackAddress(.destination))
        #expect(KernelChecks.ipv6Core(source: loopback, destination: loopback, kind: .loopback) == nil)
        #expect(KernelChecks.ipv6Core(source: loopback, destination: other, kind: .vrf) == nil)
        #expect(KernelChecks.ipv6Core(source: try! IPv6Address(parsing: "::ffff:127.0.0.1"), destination: other, kind: .ordinary) == nil)
        #expect(KernelChecks.ipv6Core(source: try! IPv6Address(parsing: "ff02::1"), destination: other, kind: .ordinary) == .ipv6MulticastSource)
    }

    @Test func stagesNameTheCheck() {
        #expect(KernelStage.ipv6LoopbackAddress(.source).description == "ipv6 core: ::1 source on non-loopback device")
        #expect(KernelStage.ipv4MartianSource(.loopback).description == "ipv4 route input: martian source 127/8")
    }
}

@Suite struct DryRunTallyTests {
    typealias F = Fixture

    @Test func totalsAndMismatches() throws {
        var evaluator = try Evaluator(ruleset: Compiler.compile(F.policy()))
        var tally = DryRunTally(ruleCount: evaluator.rules.count)
        var packets = [
            F.packet("wan0", "127.0.0.1", "192.0.2.1"),
            F.packet("wan0", "10.0.0.1", "127.0.0.1"),
            F.packet("eth1", "127.0.0.1", "192.0.2.1"),
            F.packet("lo", "127.0.0.1", "127.0.0.1"),
            F.packet("eth0", "192.0.2.9", "198.51.100.1"),
        ]
        packets[0].expected = .drop
        packets[3].expected = .drop        // wrong on purpose
        packets[4].expected = .accept
        var lines: [String] = []
        for (index, packet) in packets.enumerated() {
            let outcome = evaluator.decide(packet)
            tally.add(outcome, for: packet, number: index + 1)
            lines.append(DryRunText.line(number: index + 1, packet: packet, verdict: outcome.verdict, decider: evaluator.decider(outcome.decision)))
        }
        #expect(lines[0] == "#1 wan0 127.0.0.1 -> 192.0.2.1 udp/53: drop by rule \"guard.source ipv4\" (iifname @external_interfaces ip saddr @source_ipv4 counter drop)")
        #expect(lines[2] == "#3 eth1 127.0.0.1 -> 192.0.2.1 udp/53: drop by kernel (ipv4 route input: martian source 127/8)")
        #expect(lines[3] == "#4 lo 127.0.0.1 -> 127.0.0.1 udp/53: accept [expected drop]")
        #expect(tally.packets == 5 && tally.dropped == 3 && tally.accepted == 2 && tally.rejected == 0)
        #expect(tally.mismatches.map(\.number) == [4])
        let totals = DryRunText.totals(tally, evaluator)
        #expect(totals[0] == "5 packets: 2 accepted, 3 dropped, 0 rejected")
        #expect(totals.contains("  1\trule \"guard.destination ipv4\" (iifname @external_interfaces ip daddr @destination_ipv4 counter drop)"))
        #expect(totals.contains("  2\tnobody"))
        #expect(totals.last == "  #4 lo 127.0.0.1 -> 127.0.0.1 udp/53: expected drop, got accept by nobody")
    }
}
