import Foundation
import Testing
@testable import SpoofGuard

@Suite("packet readers never crash on mutated input")
struct PacketFuzzTests {
    static func seeds() -> [(String, [UInt8])] {
        let udp4 = Frames.ipv4(src: "127.0.0.1", dst: "192.0.2.1", proto: 17, payload: 6, optionWords: 1)
        let tcp6 = Frames.ipv6(src: "::1", dst: "2001:db8::1", proto: 6, sport: 1, dport: 2, payload: 3,
                               extensions: [.hopByHop, .routing, .fragment(offset: 0), .authentication])
        var pcap = PcapWriter(linkType: 1, bigEndian: true)
        pcap.add(Frames.ethernetIP(udp4, tags: [0x88A8, 0x8100]))
        pcap.add(Frames.ethernetIP(tcp6))
        pcap.add(Frames.arp())
        var sll = PcapWriter(linkType: 113, nanoseconds: true)
        sll.add(Frames.sll(udp4, protocolType: 0x0800))
        sll.add(Frames.sll(tcp6, protocolType: 0x86DD))
        var sll2 = PcapWriter(linkType: 276)
        sll2.add(Frames.sll2(tcp6, protocolType: 0x86DD))
        sll2.add(Frames.sll2(udp4, protocolType: 0x0800))
        var null = PcapWriter(linkType: 0)
        null.add(Frames.null(udp4, family: 2, bigEndian: false))
        null.add(Frames.null(tcp6, family: 28, bigEndian: false))
        var ng = PcapngWriter()
        ng.interface(linkType: 1, name: "wan0")
        ng.interface(linkType: 101, name: "lo")
        ng.enhancedPacket(interface: 0, Frames.ethernetIP(udp4), outbound: false)
        ng.enhancedPacket(interface: 1, tcp6)
        ng.simplePacket(Frames.ethernetIP(tcp6))
        ng.section(bigEndian: true)
        ng.interface(linkType: 276, name: "any")
        ng.enhancedPacket(interface: 0, Frames.sll2(udp4, protocolType: 0x0800), outbound: true)
        ng.obsoletePacket(interface: 0, Frames.sll2(tcp6, protocolType: 0x86DD))
        let json = #"[{"iif":"wan0","src":"127.0.0.1","dst":"192.0.2.1","proto":"udp","sport":1,"dport":53,"expect":"drop","length":40,"route_localnet":false,"iif_kind":"ordinary"},{"iif":"lo","src":"::1","dst":"::ffff:127.0.0.1","proto":"icmpv6"}]"#
        let jsonl = "{\"iif\":\"eth0\",\"src\":\"10.0.0.1\",\"dst\":\"127.0.0.1\",\"proto\":6,\"dport\":22}\n{\"iif\":\"eth0\",\"src\":\"::1\",\"dst\":\"::1\",\"expect\":\"accept\"}\n"
        return [("pcap", pcap.bytes), ("sll", sll.bytes), ("sll2", sll2.bytes), ("null", null.bytes),
                ("pcapng", ng.bytes), ("json", Array(json.utf8)), ("jsonl", Array(jsonl.utf8))]
    }

    static func mutate(_ input: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            switch Int.random(in: 0..<6, using: &random) {
            case 0 where !bytes.isEmpty:  // flip bits
                bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
            case 1 where !bytes.isEmpty:  // extreme byte: lengths become 0 or huge
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = Bool.random(using: &random) ? 0 : 0xFF
            case 2:  // truncate
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &random)))
            case 3 where !bytes.isEmpty:  // delete a run
                let start = Int.random(in: 0..<bytes.count, using: &random)
                bytes.removeSubrange(start..<min(bytes.count, start + Int.random(in: 1...8, using: &random)))
            case 4:  // insert random bytes
                let at = Int.random(in: 0...bytes.count, using: &random)
                bytes.insert(contentsOf: (0..<Int.random(in: 1...8, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }, at: at)
            default:  // duplicate a run
                guard !bytes.isEmpty else { break }
                let start = Int.random(in: 0..<bytes.count, using: &random)
                let run = Array(bytes[start..<min(bytes.count, start + 16)])
                bytes.insert(contentsOf: run, at: Int.random(in: 0...bytes.count, using: &random))
            }
        }
        return bytes
    }

    /// 3000 by default; `SPOOFGUARD_FUZZ_ITERATIONS=200000` for a longer run.
    static let iterations = Int(ProcessInfo.processInfo.environment["SPOOFGUARD_FUZZ_ITERATIONS"] ?? "") ?? 3000

    @Test("seeded mutations of each sample are read or refused, never crash",
          arguments: Self.seeds().map(\.0))
    func mutations(sample: String) throws {
        let original = try #require(Self.seeds().first { $0.0 == sample }?.1)
        // The unmutated sample reads cleanly: the mutations start from valid input.
        let clean = try PacketSource.read(bytes: original, defaultInterface: "eth0")
        #expect(clean.packets.count >= 1)
        #expect(clean.skipped.isEmpty)
        var random = SeededGenerator(seed: 0x5EED_0000 &+ UInt64(sample.utf8.reduce(0) { $0 &* 31 &+ Int($1) }.magnitude))
        var outcomes = (read: 0, refused: 0, skipped: 0)
        for _ in 0..<Self.iterations {
            let mutated = Self.mutate(original, &random)
            for skipBad in [false, true] {
                do {
                    let result = try PacketSource.read(bytes: mutated, defaultInterface: "eth0", skipBad: skipBad)
                    outcomes.read += 1
                    outcomes.skipped += result.skipped.count
                    for skipped in result.skipped {
                        #expect(skipped.location.byteOffset.map { $0 >= 0 && $0 <= mutated.count } ?? true)
                        #expect(!skipped.reason.isEmpty)
                    }
                    #expect(result.packets.allSatisfy { $0.source.family == $0.destination.family })
                } catch {
                    outcomes.refused += 1
                    #expect(error.location.byteOffset.map { $0 >= 0 && $0 <= mutated.count } ?? true)
                    #expect(!error.description.isEmpty)
                    #expect(!skipBad || error.kind != .invalidData || error.location.record == nil,
                            "--skip-bad only stops for whole-file problems: \(error)")
                }
            }
        }
        // Both paths were exercised.
        #expect(outcomes.read > 0)
        #expect(outcomes.refused > 0)
    }
}
