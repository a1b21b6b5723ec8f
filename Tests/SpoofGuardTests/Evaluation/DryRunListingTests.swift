import Testing
@testable import SpoofGuard

/// The dry-run listing writer against the String forms it replaces (`DryRunText.line`, and
/// `DryRunText.json(…).serialized`, kept as the reference): byte-identical for the example
/// policies over the example packet files, random captures, and packets with hostile
/// interface names, every protocol, ports, lengths and expectations.
@Suite struct DryRunListingTests {
    /// Reference and writer over `packets`; the first difference, or nil.
    static func firstDifference(_ packets: [Packet], _ ruleset: Ruleset) throws -> String? {
        var evaluator = try Evaluator(ruleset: ruleset)
        var text = DryRunListing(format: .text, evaluator: evaluator)
        var json = DryRunListing(format: .json, evaluator: evaluator)
        for (index, packet) in packets.enumerated() {
            let outcome = evaluator.decide(packet)
            let decider = evaluator.decider(outcome.decision)
            var bytes: [UInt8] = []
            text.append(number: index + 1, packet: packet, outcome: outcome, to: &bytes)
            let line = DryRunText.line(number: index + 1, packet: packet, verdict: outcome.verdict, decider: decider) + "\n"
            if bytes != Array(line.utf8) { return "text: \(String(decoding: bytes, as: UTF8.self)) != \(line)" }
            bytes = []
            json.append(number: index + 1, packet: packet, outcome: outcome, to: &bytes)
            let object = DryRunText.json(number: index + 1, packet: packet, verdict: outcome.verdict, decider: decider).serialized
            if bytes != Array(object.utf8) { return "json: \(String(decoding: bytes, as: UTF8.self)) != \(object)" }
        }
        return nil
    }

    static func ruleset(_ name: String) throws -> Ruleset {
        try Compiler.compile(ExamplePolicyEvaluationTests.example(name))
    }

    @Test(arguments: DryRunSummaryTests.examples)
    func examplePacketFiles(_ name: String) throws {
        for file in ["packets.json", "packets.jsonl", "interfaces.pcapng"] {
            let path = ExamplePolicyEvaluationTests.root.appendingPathComponent("Examples/packets/\(file)").path
            let packets = try PacketSource.read(contentsOf: path).packets
            #expect(packets.count > 3)
            #expect(try Self.firstDifference(packets, Self.ruleset(name)) == nil, "\(file)")
        }
    }

    @Test(arguments: DryRunSummaryTests.examples)
    func randomCaptures(_ name: String) throws {
        for linkType: UInt32 in [1, 113, 101] {
            let bytes = DryRunSummaryTests.capture(linkType: linkType, count: 400, seed: 16 + UInt64(linkType))
            var source = try PacketSource.packets(bytes: bytes, overrideInterface: "wan0")
            var packets: [Packet] = []
            while let packet = try source.next() { packets.append(packet) }
            #expect(packets.count > 300)
            #expect(try Self.firstDifference(packets, Self.ruleset(name)) == nil, "link type \(linkType)")
        }
    }

    /// The listing's decisions (the specialised classifier on captures read with a fixed
    /// interface) are the evaluator's, packet by packet.
    @Test(arguments: DryRunSummaryTests.examples)
    func decisionsAreTheEvaluators(_ name: String) throws {
        let ruleset = try Self.ruleset(name)
        for iif in ["wan0", "lo", "br-lan"] {
            let bytes = DryRunSummaryTests.capture(linkType: 1, count: 1500, seed: 77)
            var evaluator = try Evaluator(ruleset: ruleset)
            var source = try PacketSource.packets(bytes: bytes, overrideInterface: iif)
            var decisions = DryRunDecisions(evaluator: evaluator, packets: source)
            #expect(decisions.isSpecialised)
            while let packet = try source.next() {
                let outcome = decisions.decide(packet)
                #expect(outcome == evaluator.decide(packet), "\(packet.displayText)")
                if outcome != evaluator.decide(packet) { break }
            }
        }
    }

    /// Interface names a capture or JSON file may carry (ESC, C1, DEL, quotes, backslash,
    /// non-ASCII), every transport, ports, lengths, route_localnet and both expectations.
    @Test(arguments: DryRunSummaryTests.examples)
    func oddPackets(_ name: String) throws {
        var generator = SeededGenerator(seed: 1616)
        let names = RandomPackets.interfaces + ["w\u{1B}[31man", "e\"q\\x", "é\u{85}\u{7F}", "tab\there", "nl\nx", "\u{0}", "日本"]
        let transports: [TransportProtocol?] = [nil, .tcp, .udp, .icmp, .icmpv6, .other(0), .other(47), .other(255)]
        var packets: [Packet] = []
        for _ in 0..<3000 {
            var packet = RandomPackets.packet(using: &generator, interfaces: names, bridgePorts: true)
            packet.transport = transports.randomElement(using: &generator)!
            packet.sourcePort = Bool.random(using: &generator) ? UInt16.random(in: 0...UInt16.max, using: &generator) : nil
            packet.destinationPort = Bool.random(using: &generator) ? [0, 53, 65535].randomElement(using: &generator)! : nil
            packet.length = [0, 20, 1500, 65535, Int.random(in: 0...1_000_000, using: &generator)].randomElement(using: &generator)!
            packet.expected = [nil, .accept, .drop].randomElement(using: &generator)!
            if Int.random(in: 0..<8, using: &generator) == 0 { packet.inputInterface.kind = .vrf }
            packets.append(packet)
        }
        #expect(try Self.firstDifference(packets, Self.ruleset(name)) == nil)
    }

    /// Addresses with every shape of zero run, the mixed forms and their near misses.
    @Test func addressesAsTheirDescriptions() {
        var generator = SeededGenerator(seed: 5952)
        for _ in 0..<20_000 {
            var bits: UInt128 = 0
            for group in 0..<8 {
                let word: UInt128 = switch Int.random(in: 0..<4, using: &generator) {
                case 0, 1: 0
                case 2: UInt128(UInt16.random(in: 0...UInt16.max, using: &generator))
                default: [1, 0xffff, 0x7f00, 0x10].randomElement(using: &generator)!
                }
                bits |= word << UInt128(112 - 16 * group)
            }
            var bytes = ByteCursor.bytes { $0.ipv6(bits) }
            #expect(String(decoding: bytes, as: UTF8.self) == IPv6Address(bits: bits).description)
            let v4 = UInt32.random(in: 0...UInt32.max, using: &generator)
            bytes = ByteCursor.bytes { $0.ipv4(v4) }
            #expect(String(decoding: bytes, as: UTF8.self) == IPv4Address(bits: v4).description)
        }
        for value in [0, 1, 9, 10, 99, 100, 65535, Int.max, -1, Int.min] {
            let bytes = ByteCursor.bytes { $0.decimal(value) }
            #expect(String(decoding: bytes, as: UTF8.self) == String(value))
        }
    }
}
