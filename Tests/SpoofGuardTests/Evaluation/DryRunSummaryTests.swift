import Testing
@testable import SpoofGuard

/// `dry-run --summary` over captures: the specialised path (frames read in one loop, the
/// classifier) against the general one (`next()` and `Evaluator.decide` per packet) — same
/// totals, same counts, same errors, also for broken captures.
@Suite struct DryRunSummaryTests {
    /// What the general path makes of `bytes`: the totals text and the read counts, or the error.
    static func general(_ bytes: [UInt8], _ ruleset: Ruleset, iif: String, skipBad: Bool = false) -> String {
        do {
            var evaluator = try Evaluator(ruleset: ruleset)
            var packets = try PacketSource.packets(bytes: bytes, overrideInterface: iif, skipBad: skipBad)
            let tally = try DryRunTally(decidingEach: &packets, by: &evaluator)
            return describe(tally, evaluator, packets)
        } catch {
            return "error: \(error)"
        }
    }

    static func summary(_ bytes: [UInt8], _ ruleset: Ruleset, iif: String?, skipBad: Bool = false,
                        expecting path: DryRunSummary.Path = .specialised) -> String {
        do {
            var evaluator = try Evaluator(ruleset: ruleset)
            var packets = try PacketSource.packets(bytes: bytes, defaultInterface: iif == nil ? "wan0" : nil,
                                                   overrideInterface: iif, skipBad: skipBad)
            let (tally, taken) = try DryRunSummary.tally(&packets, evaluator: &evaluator)
            #expect(taken == path)
            return describe(tally, evaluator, packets)
        } catch {
            return "error: \(error)"
        }
    }

    static func describe(_ tally: DryRunTally, _ evaluator: Evaluator, _ packets: PacketIterator) -> String {
        (DryRunText.totals(tally, evaluator) + ["\(packets.counts)", packets.skipped.map(\.description).joined(separator: "\n")])
            .joined(separator: "\n")
    }

    /// A capture of `count` random packets (loopback in all its disguises, martians, both
    /// families, TCP and UDP, IPv6 extension headers, VLAN tags, ARP) on `linkType`.
    static func capture(linkType: UInt32, count: Int, seed: UInt64, bigEndian: Bool = false) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        var writer = PcapWriter(linkType: linkType, bigEndian: bigEndian)
        for _ in 0..<count {
            let proto: UInt8 = Bool.random(using: &generator) ? 6 : 17
            let ip: [UInt8]
            if Int.random(in: 0..<10, using: &generator) < 6 {
                ip = Frames.ipv4(src: RandomPackets.ipv4(using: &generator).description, dst: RandomPackets.ipv4(using: &generator).description,
                                 proto: proto, optionWords: Int.random(in: 0...2, using: &generator))
            } else {
                let extensions: [Frames.Extension] = [[], [.hopByHop], [.routing, .fragment(offset: 0)], [.fragment(offset: 8)],
                                                      [.authentication]].randomElement(using: &generator)!
                ip = Frames.ipv6(src: RandomPackets.ipv6(using: &generator).description, dst: RandomPackets.ipv6(using: &generator).description,
                                 proto: proto, extensions: extensions)
            }
            switch linkType {
            case 1:
                switch Int.random(in: 0..<10, using: &generator) {
                case 0: writer.add(Frames.arp())
                case 1: writer.add(Frames.ethernetIP(ip, tags: [0x8100]))
                default: writer.add(Frames.ethernetIP(ip))
                }
            case 113:
                let outgoing = Int.random(in: 0..<8, using: &generator) == 0
                writer.add(Frames.sll(ip, protocolType: ip[0] >> 4 == 4 ? 0x0800 : 0x86DD, packetType: outgoing ? 4 : 0))
            default:
                writer.add(ip)
            }
        }
        return writer.bytes
    }

    static let examples = ["router", "host-default", "bridge", "ingress", "strict"]

    @Test(arguments: examples)
    func capturesGiveTheSameTotals(_ name: String) throws {
        let ruleset = Compiler.compile(try ExamplePolicyEvaluationTests.example(name))
        for (index, linkType) in [UInt32(1), 101, 113].enumerated() {
            let bytes = Self.capture(linkType: linkType, count: 3000, seed: UInt64(index) &+ 0xd1ce, bigEndian: index == 1)
            for iif in ["wan0", "eth0", "lo", "br-lan", "ppp0", "sgunmatched0"] {
                let general = Self.general(bytes, ruleset, iif: iif)
                #expect(!general.hasPrefix("error"), "\(general)")
                #expect(Self.summary(bytes, ruleset, iif: iif) == general, "\(name) link \(linkType) on \(iif)")
            }
        }
    }

    @Test func pcapngCapturesGiveTheSameTotals() throws {
        let ruleset = Compiler.compile(try ExamplePolicyEvaluationTests.example("router"))
        let udp4 = Frames.ipv4(src: "127.0.0.1", dst: "192.0.2.1")
        let tcp6 = Frames.ipv6(src: "::ffff:127.0.0.1", dst: "2001:db8::1", proto: 6, extensions: [.hopByHop])
        var writer = PcapngWriter()
        writer.interface(linkType: 1, name: "eth9")
        writer.interface(linkType: 101, name: "lo")
        for round in 0..<200 {
            writer.enhancedPacket(interface: 0, Frames.ethernetIP(round % 3 == 0 ? udp4 : Frames.ipv4(src: "10.0.0.\(round)", dst: "127.0.0.1")),
                                  outbound: round % 17 == 0)
            writer.enhancedPacket(interface: 1, tcp6)
            writer.simplePacket(Frames.ethernetIP(tcp6))
            if round % 50 == 0 { writer.enhancedPacket(interface: 0, Frames.arp()) }
        }
        for iif in ["wan0", "lo", "br-lan"] {
            #expect(Self.summary(writer.bytes, ruleset, iif: iif) == Self.general(writer.bytes, ruleset, iif: iif), "\(iif)")
        }
    }

    /// Broken captures: truncated, flipped, cut records. The specialised reader stops, skips
    /// and counts exactly where the general one does, with the same messages.
    @Test(arguments: [UInt32(1), 101, 113])
    func brokenCapturesFailAlike(linkType: UInt32) throws {
        let ruleset = Compiler.compile(try ExamplePolicyEvaluationTests.example("router"))
        let original = Self.capture(linkType: linkType, count: 40, seed: UInt64(linkType))
        var random = SeededGenerator(seed: 0xb40c_e000 &+ UInt64(linkType))
        var outcomes = (errors: 0, skipped: 0)
        for _ in 0..<600 {
            let mutated = PacketFuzzTests.mutate(original, &random)
            for skipBad in [false, true] {
                let general = Self.general(mutated, ruleset, iif: "wan0", skipBad: skipBad)
                if general.hasPrefix("error") { outcomes.errors += 1 }
                if general.contains("skipped: 0") == false { outcomes.skipped += 1 }
                // An input that is not a capture any more is read on the general path.
                let format = mutated.withUnsafeBytes { PacketSource.detectFormat($0) }
                let isCapture = format == .pcap || format == .pcapng
                let summary = Self.summary(mutated, ruleset, iif: "wan0", skipBad: skipBad, expecting: isCapture ? .specialised : .general)
                #expect(summary == general, "skipBad \(skipBad)")
            }
        }
        #expect(outcomes.errors > 0)
        #expect(outcomes.skipped > 0)
    }

    /// A limit that decides a verdict: the evaluator runs per packet, so the bucket empties —
    /// three packets within the burst are dropped, the rest accepted.
    @Test func aDecidingLimitRunsTheEvaluator() throws {
        let ruleset = FixedInterfaceClassifierTests.limitedDrop([.limit(RateLimit(rate: 1, per: .minute, burst: 3)), .verdict(.drop)])
        var writer = PcapWriter(linkType: 101)
        for host in 1...10 { writer.add(Frames.ipv4(src: "10.0.0.\(host)", dst: "192.0.2.1")) }
        let bytes = writer.bytes
        let summary = Self.summary(bytes, ruleset, iif: "wan0", expecting: .general)
        #expect(summary == Self.general(bytes, ruleset, iif: "wan0"))
        #expect(summary.hasPrefix("10 packets: 7 accepted, 3 dropped, 0 rejected\n"), "\(summary)")
    }

    /// Without --iif every record's own interface counts: the general path.
    @Test func noFixedInterfaceRunsTheEvaluator() throws {
        let ruleset = Compiler.compile(try ExamplePolicyEvaluationTests.example("router"))
        let bytes = Self.capture(linkType: 1, count: 50, seed: 9)
        #expect(Self.summary(bytes, ruleset, iif: nil, expecting: .general) == Self.general(bytes, ruleset, iif: "wan0"))
    }
}
