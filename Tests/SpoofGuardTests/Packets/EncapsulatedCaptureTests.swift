import Testing
@testable import SpoofGuard

/// Captures of tagged, QinQ and PPPoE frames keep their encapsulation, so the evaluator sees
/// what the bridge and ingress hooks see (issue 14); a truncated tag or PPPoE header is a bad
/// record, named and skippable, never a crash.
@Suite("encapsulated captures")
struct EncapsulatedCaptureTests {
    static let udp4 = Frames.ipv4(src: "127.0.0.1", dst: "198.51.100.7", proto: 17, sport: 40000, dport: 53, payload: 4)
    static let udp6 = Frames.ipv6(src: "::1", dst: "2001:db8::7", proto: 17, sport: 40000, dport: 53, payload: 4)

    /// A PPPoE session frame (RFC 2516 §4) carrying `ip` as PPP `pppProtocol`.
    static func pppoe(_ ip: [UInt8], pppProtocol: UInt16, session: UInt16 = 0x1234, tags: [UInt16] = []) -> [UInt8] {
        let length = UInt16(ip.count + 2)
        let header: [UInt8] = [0x11, 0x00, UInt8(session >> 8), UInt8(session & 0xff), UInt8(length >> 8), UInt8(length & 0xff),
                               UInt8(pppProtocol >> 8), UInt8(pppProtocol & 0xff)]
        return Frames.ethernet(header + ip, etherType: 0x8864, tags: tags)
    }

    static let policy = try! Policy.decode(Array(#"{"version":1,"external":["eth1"],"hooks":["bridge"]}"#.utf8), source: "test")

    @Test func tagsAndPPPoESessionsAreKept() throws {
        var pcap = PcapWriter(linkType: 1)
        pcap.add(Frames.ethernetIP(Self.udp4, tags: [0x88A8, 0x8100]))
        pcap.add(Frames.ethernetIP(Self.udp4, tags: [0x8100]))
        pcap.add(Self.pppoe(Self.udp4, pppProtocol: 0x0021))
        pcap.add(Self.pppoe(Self.udp6, pppProtocol: 0x0057, tags: [0x8100]))
        pcap.add(Self.pppoe([0xc0, 0x21, 1, 1, 0, 4], pppProtocol: 0xc021))   // LCP: not IP
        let result = try PacketSource.read(bytes: pcap.bytes, overrideInterface: "eth1")
        #expect(result.packets.map(\.encapsulation.description) == ["802.1ad+802.1Q", "802.1Q", "PPPoE", "802.1Q+PPPoE"])
        #expect(result.packets[0].encapsulation.tags.map(\.tci) == [10, 11])
        #expect(result.packets[2].encapsulation.pppoeSession == 0x1234)
        #expect(result.packets.map(\.source.description) == ["127.0.0.1", "127.0.0.1", "127.0.0.1", "::1"])
        #expect(result.notIPCount == 1)
    }

    /// Off a bridge port the kernel takes a still-wrapped frame as no IP; the stage names the
    /// encapsulation's kind, not its VLAN or session ids, so totals have one line per kind.
    @Test func wrappedFramesOnARoutedPortAreOneKernelStagePerKind() throws {
        var evaluator = try Evaluator(ruleset: Compiler.compile(Self.policy))
        var outcomes: Set<Evaluator.Outcome> = []
        for (tci, session) in [(UInt16(5), UInt16(7)), (4000, 9)] {
            var packet = Packet(inputInterface: InputInterface(name: "eth1"), source: try IPAddress(parsing: "192.0.2.9"),
                                destination: try IPAddress(parsing: "198.51.100.7"), transport: .udp)
            packet.encapsulation = LinkEncapsulation(tags: [.init(.vlan8021Q, tci: tci)], pppoeSession: session)
            outcomes.insert(evaluator.decide(packet))
        }
        #expect(outcomes.count == 1)
        #expect(outcomes.first.map { "\(evaluator.decider($0.decision))" } == "kernel (link layer: 802.1Q+PPPoE frame, not IP to the stack on this device)")
    }

    @Test func truncatedTagsAndPPPoEHeadersAreBadRecords() throws {
        let good = Frames.ethernetIP(Self.udp4)
        let cutTag = Array(Frames.ethernetIP(Self.udp4, tags: [0x88A8, 0x8100]).prefix(20))
        let cutPPPoE = Array(Self.pppoe(Self.udp4, pppProtocol: 0x0021).prefix(18))
        for (frame, reason) in [(cutTag, "VLAN tag 2 truncated"), (cutPPPoE, "PPPoE session header truncated: 4 of 8 bytes captured")] {
            var pcap = PcapWriter(linkType: 1)
            pcap.add(frame)
            pcap.add(good)
            let error = #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: pcap.bytes, overrideInterface: "eth1") }
            #expect(error?.exitCode == 65)
            #expect(error?.description.contains(reason) == true, "\(error.map { "\($0)" } ?? "no error")")
            let skipping = try PacketSource.read(bytes: pcap.bytes, overrideInterface: "eth1", skipBad: true)
            #expect(skipping.packets.count == 1)
            #expect(skipping.skipped.count == 1)
            #expect(skipping.skipped.first?.reason.contains(reason) == true)
        }
    }

    /// `--iif-kind bridge-port`: the bridge guard drops the wrapped loopback sources by the rule
    /// for their encapsulation, as the kernel test sees; on a routed port the kernel never takes
    /// them as IP. The summary's specialised path gives the same totals as packet by packet.
    @Test(arguments: [InputInterface.Kind.bridgePort, .ordinary])
    func bridgedCapturesTakeTheBridgePath(kind: InputInterface.Kind) throws {
        var pcap = PcapWriter(linkType: 1)
        pcap.add(Frames.ethernetIP(Self.udp4, tags: [0x88A8, 0x8100]))
        pcap.add(Frames.ethernetIP(Self.udp4, tags: [0x8100, 0x8100]))
        pcap.add(Self.pppoe(Self.udp4, pppProtocol: 0x0021))
        pcap.add(Self.pppoe(Self.udp6, pppProtocol: 0x0057, tags: [0x8100]))
        pcap.add(Frames.ethernetIP(Frames.ipv4(src: "192.0.2.9", dst: "198.51.100.7"), tags: [0x88A8, 0x8100]))
        let ruleset = Compiler.compile(Self.policy)
        var evaluator = try Evaluator(ruleset: ruleset)
        var packets = try PacketSource.packets(bytes: pcap.bytes, overrideInterface: "eth1")
        packets.interfaceKind = kind
        var deciders: [String] = []
        while let packet = try packets.next() {
            #expect(packet.inputInterface.kind == kind)
            let outcome = evaluator.decide(packet)
            deciders.append("\(outcome.verdict) \(evaluator.decider(outcome.decision))")
        }
        if kind == .bridgePort {
            let expected: [String] = [
                "dropped rule \"guard.source ipv4 802.1ad+802.1Q\"",
                "dropped rule \"guard.source ipv4 802.1Q+802.1Q\"",
                "dropped rule \"guard.source ipv4 PPPoE\"",
                "dropped rule \"guard.source ipv6 802.1Q+PPPoE\"",
            ]
            for (decider, prefix) in zip(deciders, expected) {
                #expect(decider.contains(prefix.dropFirst(8)) && decider.hasPrefix("dropped"), "\(decider)")
            }
            #expect(deciders.last == "accepted nobody")
        } else {
            #expect(deciders.allSatisfy { $0.hasPrefix("dropped kernel") }, "\(deciders)")
        }

        var general = try Evaluator(ruleset: ruleset)
        var specialised = try Evaluator(ruleset: ruleset)
        var byPacket = try PacketSource.packets(bytes: pcap.bytes, name: "<general>", overrideInterface: "eth1")
        byPacket.interfaceKind = kind
        let tally = try DryRunTally(decidingEach: &byPacket, by: &general)
        var summary = try PacketSource.packets(bytes: pcap.bytes, overrideInterface: "eth1")
        summary.interfaceKind = kind
        let (fast, path) = try DryRunSummary.tally(&summary, evaluator: &specialised)
        #expect(path == .specialised)
        #expect(DryRunText.totals(fast, specialised) == DryRunText.totals(tally, general))
    }
}
