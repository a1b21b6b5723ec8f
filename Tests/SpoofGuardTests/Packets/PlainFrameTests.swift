import Testing
@testable import SpoofGuard

/// The shortcut for common frames against the full frame decoder: whenever the shortcut
/// takes a frame, the full decoder reads it as IP with the same facts — addresses, transport,
/// ports and length.
@Suite struct PlainFrameTests {
    /// What a listing shows of a frame: the fields, the transport, the ports and the length.
    struct Facts: Equatable {
        var fields: PacketFields
        var transport: TransportProtocol?
        var sourcePort: UInt16?
        var destinationPort: UInt16?
        var length: Int

        init(_ ip: DecodedIP) {
            (fields, transport, sourcePort, destinationPort, length) = (ip.fields, ip.transport, ip.sourcePort, ip.destinationPort, ip.length)
        }

        init(_ fields: PacketFields, _ transport: PlainTransport) {
            (self.fields, self.transport, length) = (fields, TransportProtocol(number: transport.protocolNumber), transport.length)
            (sourcePort, destinationPort) = (transport.ports?.source, transport.ports?.destination)
        }
    }

    struct Recorder: CapturedFrameSink {
        var facts: [Facts] = []
        mutating func ipv4(source: UInt32, destination: UInt32, transport: PlainTransport) {
            facts.append(Facts(PacketFields(source4: source, destination4: destination, isTCP: transport.isTCP), transport))
        }
        mutating func ipv6(source: UInt128, destination: UInt128, transport: PlainTransport) {
            facts.append(Facts(PacketFields(source6: source, destination6: destination, isTCP: transport.isTCP), transport))
        }
        mutating func decoded(_ ip: DecodedIP) {
            facts.append(Facts(ip))
        }
    }

    static func frames(_ generator: inout SeededGenerator) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        for _ in 0..<40 {
            let proto: UInt8 = [6, 17, 1, 58].randomElement(using: &generator)!
            let v4 = Frames.ipv4(src: RandomPackets.ipv4(using: &generator).description, dst: RandomPackets.ipv4(using: &generator).description,
                                 proto: proto, optionWords: Int.random(in: 0...2, using: &generator),
                                 fragmentOffset: Bool.random(using: &generator) ? 0 : 8)
            let extensions: [Frames.Extension] = [[], [], [.hopByHop], [.fragment(offset: 0)]].randomElement(using: &generator)!
            let v6 = Frames.ipv6(src: RandomPackets.ipv6(using: &generator).description, dst: RandomPackets.ipv6(using: &generator).description,
                                 proto: proto, extensions: extensions)
            frames += [v4, v6, Frames.ethernetIP(v4), Frames.ethernetIP(v6), Frames.ethernetIP(v4, tags: [0x8100]), Frames.arp()]
        }
        return frames
    }

    @Test(arguments: [LinkLayer.ethernet, .raw, .rawIPv4, .rawIPv6, .linuxSLL, .null])
    func theShortcutAgreesWithTheFullDecoder(link: LinkLayer) {
        var generator = SeededGenerator(seed: 0x91a1_4e00 &+ UInt64(String(describing: link).count))
        var taken = 0, left = 0
        let originals = Self.frames(&generator)
        for round in 0..<6000 {
            let original = originals[round % originals.count]
            let frame = round < originals.count ? original : PacketFuzzTests.mutate(original, &generator)
            for truncated in [false, true] {
                var recorder = Recorder()
                let took = frame.withUnsafeBytes { bytes in
                    PlainFrame.decode(bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 16)!, capturedLength: bytes.count,
                                      truncated: truncated, link: link, into: &recorder)
                }
                let full = frame.withUnsafeBytes { bytes in
                    FrameDecoder.decode(ByteReader(bytes: bytes), start: 0, capturedLength: bytes.count, truncated: truncated,
                                        link: link, bigEndianFile: false)
                }
                guard took else {
                    #expect(recorder.facts.isEmpty)
                    left += 1
                    continue
                }
                taken += 1
                guard case .ip(let ip) = full else {
                    Issue.record("shortcut took a frame the full decoder reads as \(full): \(frame)")
                    continue
                }
                #expect(recorder.facts == [Facts(ip)], "\(frame)")
            }
        }
        if [.ethernet, .raw, .rawIPv4, .rawIPv6].contains(link) { #expect(taken > 500) } else { #expect(taken == 0) }
        #expect(left > 100)
    }
}
