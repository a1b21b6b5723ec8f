import Testing
@testable import SpoofGuard

@Suite("pcapng reader")
struct PcapngReaderTests {
    static let spoofed4 = Frames.ipv4(src: "127.0.0.1", dst: "192.0.2.1", proto: 17, sport: 5000, dport: 53)
    static let local6 = Frames.ipv6(src: "::1", dst: "::1", proto: 6, sport: 1000, dport: 22, payload: 0)

    @Test("interface names come from if_name, per section, in both byte orders", arguments: [false, true])
    func namedInterfaces(bigEndian: Bool) throws {
        var capture = PcapngWriter(bigEndian: bigEndian)
        capture.interface(linkType: 1, name: "wan0")
        capture.interface(linkType: 0, name: "lo")
        capture.enhancedPacket(interface: 0, Frames.ethernetIP(Self.spoofed4))
        capture.enhancedPacket(interface: 1, Frames.null(Self.local6, family: 30, bigEndian: bigEndian))
        capture.block(type: 5, body: [UInt8](repeating: 0, count: 16))  // interface statistics
        capture.block(type: 0x4000_0BAD, body: [1, 2, 3, 4, 5, 6, 7, 8])  // custom block
        capture.simplePacket(Frames.ethernetIP(Self.spoofed4))
        capture.obsoletePacket(interface: 1, Frames.null(Self.local6, family: 30, bigEndian: bigEndian))
        // A new section in the other byte order: interface 0 is now a different device.
        capture.section(bigEndian: !bigEndian)
        capture.interface(linkType: 101, name: "eth1")
        capture.enhancedPacket(interface: 0, Frames.ipv6(src: "::ffff:127.0.0.1", dst: "2001:db8::1"))

        let result = try PacketSource.read(bytes: capture.bytes)
        #expect(result.format == .pcapng)
        #expect(result.packets.map(\.summary) == [
            "wan0 127.0.0.1 > 192.0.2.1 udp 5000->53 len 32",
            "lo ::1 > ::1 tcp 1000->22 len 60",
            "wan0 127.0.0.1 > 192.0.2.1 udp 5000->53 len 32",
            "lo ::1 > ::1 tcp 1000->22 len 60",
            "eth1 ::ffff:127.0.0.1 > 2001:db8::1 udp 40000->53 len 52",
        ])
        #expect(result.packets.map(\.inputInterface.kind) == [.ordinary, .loopback, .ordinary, .loopback, .ordinary])

        let overridden = try PacketSource.read(bytes: capture.bytes, overrideInterface: "br0")
        #expect(overridden.packets.allSatisfy { $0.inputInterface.name == "br0" })
    }

    @Test("outbound packets (epb_flags) are counted, not read as input")
    func direction() throws {
        var capture = PcapngWriter()
        capture.interface(linkType: 1, name: "eth0")
        capture.enhancedPacket(interface: 0, Frames.ethernetIP(Self.spoofed4), outbound: true)
        capture.enhancedPacket(interface: 0, Frames.ethernetIP(Self.spoofed4))
        capture.enhancedPacket(interface: 0, Frames.arp())
        let result = try PacketSource.read(bytes: capture.bytes)
        #expect(result.packets.count == 1)
        #expect(result.outgoingCount == 1)
        #expect(result.notIPCount == 1)
    }

    @Test("an interface without a usable name needs --iif or a default",
          arguments: [nil, "any", #"\Device\NPF_{8D5B2C1A}"#, "a-name-longer-than-15"])
    func unnamed(name: String?) throws {
        var capture = PcapngWriter()
        capture.interface(linkType: 276, name: name)
        capture.enhancedPacket(interface: 0, Frames.sll2(Self.spoofed4, protocolType: 0x0800))
        let error = #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: capture.bytes, skipBad: true) }
        #expect(error?.kind == .usage)
        #expect(error?.location.record == 1)
        #expect(error?.fix?.contains("--iif") == true)
        if let name, name != "any" { #expect(error?.reason.contains("not a Linux interface name") == true) }
        #expect(try PacketSource.read(bytes: capture.bytes, defaultInterface: "wan0").packets.first?.inputInterface.name == "wan0")
    }

    @Test("snap-length truncation keeps addresses and the IP length")
    func truncated() throws {
        var capture = PcapngWriter()
        capture.interface(linkType: 1, name: "eth0", snapLength: 34)
        let frame = Frames.ethernetIP(Frames.ipv4(src: "127.0.0.1", dst: "10.0.0.1", proto: 6, payload: 500))
        capture.enhancedPacket(interface: 0, Array(frame.prefix(34)), originalLength: frame.count)
        capture.simplePacket(frame)  // the reader cuts it at interface 0's snap length
        let packets = try PacketSource.read(bytes: capture.bytes).packets.map(\.summary)
        #expect(packets == ["eth0 127.0.0.1 > 10.0.0.1 tcp len 540", "eth0 127.0.0.1 > 10.0.0.1 tcp len 540"])
    }

    @Test("bad records name packet or block number and byte offset; --skip-bad goes on")
    func badRecords() throws {
        var capture = PcapngWriter()
        capture.interface(linkType: 1, name: "eth0")
        let firstPacketOffset = capture.bytes.count
        capture.enhancedPacket(interface: 3, Frames.ethernetIP(Self.spoofed4))
        capture.interface(linkType: 147, name: "usb0")
        capture.enhancedPacket(interface: 1, Frames.ethernetIP(Self.spoofed4))
        capture.enhancedPacket(interface: 0, Frames.ethernetIP(Self.spoofed4))
        let error = #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: capture.bytes, name: "x.pcapng") }
        #expect(error?.description == "x.pcapng: packet 1 (byte offset \(firstPacketOffset)): packet refers to interface 3 but its section describes 1")
        let result = try PacketSource.read(bytes: capture.bytes, skipBad: true)
        #expect(result.packets.count == 1)
        #expect(result.skipped.count == 2)
        #expect(result.skipped[1].reason.contains("link type 147"))

        // A corrupt trailing length loses the framing: everything after it is reported as one skip.
        var broken = capture.bytes
        let lastBlock = broken.count - (12 + 20 + (Self.spoofed4.count + 14 + 3) / 4 * 4)
        broken[broken.count - 1] ^= 0xFF
        let framing = #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: broken) }
        #expect(framing?.location.byteOffset != nil)
        let skipping = try PacketSource.read(bytes: broken, skipBad: true)
        #expect(skipping.packets.isEmpty)
        #expect(skipping.skipped.last?.location.byteOffset == lastBlock)
        #expect(skipping.skipped.last?.location.recordKind == .block)
    }

    @Test("a block longer than the file, or not a multiple of 4, stops reading")
    func badLengths() throws {
        var capture = PcapngWriter()
        capture.interface(linkType: 1, name: "eth0")
        capture.enhancedPacket(interface: 0, Frames.ethernetIP(Self.spoofed4))
        let error = #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: capture.bytes.dropLast(4)) }
        #expect(error?.reason.contains("remain") == true)
        var odd = capture.bytes
        odd[odd.count - (12 + 20 + 48) + 4] = 0x51
        #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: odd) }
        var magic = capture.bytes
        magic[8] = 0
        #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: magic) }
    }
}
