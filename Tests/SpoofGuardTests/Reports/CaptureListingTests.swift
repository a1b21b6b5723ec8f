import Foundation
import Testing
@testable import SpoofGuard

/// The streamed listing of captures (`CaptureListing`, what `dry-run --iif` prints), text
/// and JSON, against the general one it stands in for — every packet from `next()`, decided by
/// the evaluator, written by `DryRunText.line` or `DryRunText.json` in the document's framing —
/// byte for byte, with and without `--drops`, with the same totals, counts and errors, also for
/// tagged, PPPoE and broken captures.
@Suite struct CaptureListingTests {
    /// The general listing of `bytes`, its totals and read counts, then the error if any.
    static func general(_ bytes: [UInt8], _ ruleset: Ruleset, iif: String, format: DryRunListing.Format, dropsOnly: Bool,
                        skipBad: Bool = false, kind: InputInterface.Kind? = nil) throws -> String {
        var evaluator = try Evaluator(ruleset: ruleset)
        var packets = try PacketSource.packets(bytes: bytes, overrideInterface: iif, skipBad: skipBad)
        packets.interfaceKind = kind
        var text = "", number = 0
        var tally = DryRunTally(ruleCount: evaluator.rules.count)
        do {
            while let packet = try packets.next() {
                number += 1
                let outcome = evaluator.decide(packet)
                tally.add(outcome, for: packet, number: number)
                guard !dropsOnly || outcome.verdict.isDrop else { continue }
                let decider = evaluator.decider(outcome.decision)
                switch format {
                case .text: text += DryRunText.line(number: number, packet: packet, verdict: outcome.verdict, decider: decider) + "\n"
                case .json:
                    text += (text.isEmpty ? "{\"results\": [\n  " : ",\n  ")
                        + DryRunText.json(number: number, packet: packet, verdict: outcome.verdict, decider: decider).serialized
                }
            }
        } catch {
            return text + "error: \(error)"
        }
        return text + DryRunSummaryTests.describe(tally, evaluator, packets)
    }

    /// The same through `CaptureListing`, with every piece handed to `write` checked.
    static func streamed(_ bytes: [UInt8], _ ruleset: Ruleset, iif: String, format: DryRunListing.Format, dropsOnly: Bool,
                         skipBad: Bool = false, kind: InputInterface.Kind? = nil) throws -> String {
        var evaluator = try Evaluator(ruleset: ruleset)
        var packets = try PacketSource.packets(bytes: bytes, overrideInterface: iif, skipBad: skipBad)
        packets.interfaceKind = kind
        var listing = try #require(CaptureListing(packets: packets, evaluator: evaluator, format: format, dropsOnly: dropsOnly))
        final class Pieces { var bytes: [UInt8] = []; var sizes: [Int] = [] }
        let pieces = Pieces()
        let tally: DryRunTally
        do {
            tally = try listing.run(&packets, evaluator: &evaluator) { piece in
                pieces.sizes.append(piece.count)
                pieces.bytes += piece
            }
        } catch {
            #expect((listing.listed == 0) == pieces.bytes.isEmpty)
            return String(decoding: pieces.bytes, as: UTF8.self) + "error: \(error)"
        }
        #expect((listing.listed == 0) == pieces.bytes.isEmpty)
        #expect(pieces.sizes.allSatisfy { $0 > 0 && $0 <= CaptureListing.bufferCapacity + 4096 })
        return String(decoding: pieces.bytes, as: UTF8.self) + DryRunSummaryTests.describe(tally, evaluator, packets)
    }

    static func expectAlike(_ bytes: [UInt8], _ ruleset: Ruleset, iif: String, skipBad: Bool = false,
                            kind: InputInterface.Kind? = nil, _ comment: Comment) throws {
        for format in [DryRunListing.Format.text, .json] {
            for dropsOnly in [false, true] {
                let general = try general(bytes, ruleset, iif: iif, format: format, dropsOnly: dropsOnly, skipBad: skipBad, kind: kind)
                let streamed = try streamed(bytes, ruleset, iif: iif, format: format, dropsOnly: dropsOnly, skipBad: skipBad, kind: kind)
                #expect(streamed == general, "\(comment) \(format) drops \(dropsOnly)")
                guard streamed == general else { return }
            }
        }
    }

    @Test(arguments: DryRunSummaryTests.examples)
    func randomCaptures(_ name: String) throws {
        let ruleset = try DryRunListingTests.ruleset(name)
        for (index, linkType) in [UInt32(1), 101, 113].enumerated() {
            let bytes = DryRunSummaryTests.capture(linkType: linkType, count: 2000, seed: UInt64(index) &+ 0x1616, bigEndian: index == 1)
            for iif in ["wan0", "lo", "br-lan", "eth1"] {
                try Self.expectAlike(bytes, ruleset, iif: iif, "link type \(linkType) on \(iif)")
            }
        }
    }

    /// Enough lines for several buffers, so the pieces join up.
    @Test func largeCaptureInManyWrites() throws {
        let bytes = DryRunSummaryTests.capture(linkType: 1, count: 20_000, seed: 0xb16)
        try Self.expectAlike(bytes, try DryRunListingTests.ruleset("router"), iif: "wan0", "20,000 packets")
    }

    /// Tagged, QinQ and PPPoE frames (the evaluator's, named `in …`) among plain ones, on a
    /// routed and a bridge port, and the shipped example captures.
    @Test(arguments: [InputInterface.Kind.ordinary, .bridgePort])
    func encapsulatedFrames(kind: InputInterface.Kind) throws {
        let ruleset = Compiler.compile(EncapsulatedCaptureTests.policy)
        var pcap = PcapWriter(linkType: 1)
        for round in 0..<50 {
            pcap.add(Frames.ethernetIP(EncapsulatedCaptureTests.udp4, tags: [0x88A8, 0x8100]))
            pcap.add(Frames.ethernetIP(EncapsulatedCaptureTests.udp6, tags: round % 2 == 0 ? [0x8100] : [0x8100, 0x8100]))
            pcap.add(EncapsulatedCaptureTests.pppoe(EncapsulatedCaptureTests.udp4, pppProtocol: 0x0021))
            pcap.add(EncapsulatedCaptureTests.pppoe(EncapsulatedCaptureTests.udp6, pppProtocol: 0x0057, tags: [0x8100]))
            pcap.add(Frames.ethernetIP(EncapsulatedCaptureTests.udp4))
            pcap.add(Frames.ethernetIP(Frames.ipv4(src: "192.0.2.\(round)", dst: "198.51.100.7", proto: 6, sport: 1, dport: UInt16(round))))
        }
        try Self.expectAlike(pcap.bytes, ruleset, iif: "eth1", kind: kind, "built capture")
        for file in ["bridged-encapsulated.pcap", "interfaces.pcapng"] {
            let bytes = Array(try Data(contentsOf: ExamplePolicyEvaluationTests.root.appendingPathComponent("Examples/packets/\(file)")))
            for name in DryRunSummaryTests.examples {
                try Self.expectAlike(bytes, try DryRunListingTests.ruleset(name), iif: "eth1", kind: kind, "\(file), \(name)")
            }
        }
    }

    /// Broken captures: the same lines up to the same error, or, with `--skip-bad`, the same
    /// lines, counts and named records.
    @Test func corruptCaptures() throws {
        let ruleset = try DryRunListingTests.ruleset("router")
        var generator = SeededGenerator(seed: 0xbad16)
        let original = DryRunSummaryTests.capture(linkType: 1, count: 40, seed: 0x5eed)
        for _ in 0..<300 {
            let bytes = PacketFuzzTests.mutate(original, &generator)
            for skipBad in [false, true] {
                guard (try? PacketSource.packets(bytes: bytes, overrideInterface: "wan0", skipBad: skipBad)) != nil else { continue }
                try Self.expectAlike(bytes, ruleset, iif: "wan0", skipBad: skipBad, "mutated, skipBad \(skipBad)")
            }
        }
    }
}
