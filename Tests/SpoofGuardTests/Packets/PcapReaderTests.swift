import Testing
@testable import SpoofGuard

@Suite("pcap reader")
struct PcapReaderTests {
    static let udp4 = Frames.ipv4(src: "127.0.0.1", dst: "192.0.2.1", proto: 17, sport: 40000, dport: 53, payload: 4)

    @Test("both byte orders, micro- and nanosecond magic", arguments: [(false, false), (true, false), (false, true), (true, true)])
    func byteOrders(bigEndian: Bool, nanoseconds: Bool) throws {
        var pcap = PcapWriter(linkType: 1, bigEndian: bigEndian, nanoseconds: nanoseconds)
        pcap.add(Frames.ethernetIP(Self.udp4))
        pcap.add(Frames.ethernetIP(Frames.ipv6(src: "::1", dst: "2001:db8::1", proto: 6, sport: 1, dport: 443, payload: 0)))
        let result = try PacketSource.read(bytes: pcap.bytes, overrideInterface: "wan0")
        #expect(result.format == .pcap)
        #expect(result.packets.map(\.summary) == [
            "wan0 127.0.0.1 > 192.0.2.1 udp 40000->53 len 32",
            "wan0 ::1 > 2001:db8::1 tcp 1->443 len 60",
        ])
        #expect(result.packets[0].inputInterface.kind == .ordinary)
    }

    @Test("stacked 802.1ad/802.1Q tags are stepped over; ARP and LLDP are counted, not guessed")
    func vlanAndNotIP() throws {
        var pcap = PcapWriter(linkType: 1)
        pcap.add(Frames.ethernetIP(Self.udp4, tags: [0x88A8, 0x8100]))
        pcap.add(Frames.arp())
        pcap.add(Frames.ethernetIP(Self.udp4, tags: [0x8100]))
        pcap.add(Frames.lldp())
        pcap.add(Frames.ethernet([0xAA, 0xAA, 0x03], etherType: 0x0026))  // 802.3 length field
        let result = try PacketSource.read(bytes: pcap.bytes, defaultInterface: "eth0")
        #expect(result.packets.count == 2)
        #expect(result.packets.allSatisfy { $0.source.description == "127.0.0.1" && $0.inputInterface.name == "eth0" })
        #expect(result.notIPCount == 3)
        #expect(result.counts.packets == 2)
    }

    @Test("Linux cooked SLL and SLL2: outgoing frames are not input; SLL2 needs --iif")
    func cooked() throws {
        var sll = PcapWriter(linkType: 113)
        sll.add(Frames.sll(Self.udp4, protocolType: 0x0800))
        sll.add(Frames.sll(Self.udp4, protocolType: 0x0800, packetType: 4))
        sll.add(Frames.sll([0, 1, 8, 0], protocolType: 0x0806))
        let result = try PacketSource.read(bytes: sll.bytes, overrideInterface: "ppp0")
        #expect(result.packets.map(\.summary) == ["ppp0 127.0.0.1 > 192.0.2.1 udp 40000->53 len 32"])
        #expect(result.outgoingCount == 1)
        #expect(result.notIPCount == 1)

        var sll2 = PcapWriter(linkType: 276)
        sll2.add(Frames.sll2(Frames.ipv6(src: "::ffff:127.0.0.1", dst: "2001:db8::1"), protocolType: 0x86DD, interfaceIndex: 7))
        sll2.add(Frames.sll2(Self.udp4, protocolType: 0x0800, packetType: 4))
        let error = #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: sll2.bytes) }
        #expect(error?.kind == .usage)
        #expect(error?.exitCode == 64)
        #expect(error?.description.contains("--iif") == true)
        let named = try PacketSource.read(bytes: sll2.bytes, overrideInterface: "wan0")
        #expect(named.packets.map(\.summary) == ["wan0 ::ffff:127.0.0.1 > 2001:db8::1 udp 40000->53 len 52"])
        #expect(named.outgoingCount == 1)
    }

    @Test("BSD loopback (NULL, LOOP) headers, all IPv6 family numbers")
    func loopbackHeaders() throws {
        for bigEndian in [false, true] {
            var null = PcapWriter(linkType: 0, bigEndian: bigEndian)
            null.add(Frames.null(Self.udp4, family: 2, bigEndian: bigEndian))
            for family: UInt32 in [24, 28, 30] {
                null.add(Frames.null(Frames.ipv6(src: "::1", dst: "::1"), family: family, bigEndian: bigEndian))
            }
            null.add(Frames.null([1, 2, 3, 4], family: 7, bigEndian: bigEndian))
            // A capture written on a host of the other byte order: tcpdump swaps implausible values.
            null.add(Frames.null(Self.udp4, family: 2, bigEndian: !bigEndian))
            let result = try PacketSource.read(bytes: null.bytes, overrideInterface: "lo")
            #expect(result.packets.count == 5)
            #expect(result.packets.allSatisfy { $0.inputInterface.kind == .loopback })
            #expect(result.packets.filter { $0.family == .ipv6 }.count == 3)
            #expect(result.notIPCount == 1)
        }
        var loop = PcapWriter(linkType: 108)
        loop.add(Frames.null(Self.udp4, family: 2, bigEndian: true))
        #expect(try PacketSource.read(bytes: loop.bytes, overrideInterface: "lo").packets.count == 1)
    }

    @Test("raw IP link types 101, 12, 14, 228, 229", arguments: [UInt32(101), 12, 14, 228, 229])
    func rawLinkTypes(linkType: UInt32) throws {
        var pcap = PcapWriter(linkType: linkType)
        let v4 = linkType != 229
        let v6 = linkType != 228
        if v4 { pcap.add(Self.udp4) }
        if v6 { pcap.add(Frames.ipv6(src: "fe80::1", dst: "ff02::1", proto: 58, payload: 0)) }
        let result = try PacketSource.read(bytes: pcap.bytes, overrideInterface: "tun0")
        #expect(result.packets.count == (v4 && v6 ? 2 : 1))
        if linkType == 229 { #expect(result.packets[0].transport == .icmpv6) }
        // A raw-IPv4 link carrying IPv6 is corrupt, never reinterpreted.
        if linkType == 228 {
            var wrong = PcapWriter(linkType: 228)
            wrong.add(Frames.ipv6(src: "::1", dst: "::1"))
            let error = #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: wrong.bytes, overrideInterface: "tun0") }
            #expect(error?.reason.contains("IPv4") == true)
        }
    }

    @Test("IPv4 options, fragments and snap-length truncation")
    func ipv4Details() throws {
        var pcap = PcapWriter(linkType: 101, snapLength: 24)
        pcap.add(Frames.ipv4(src: "10.0.0.1", dst: "10.0.0.2", proto: 6, sport: 22, dport: 5555, payload: 10, optionWords: 2))
        pcap.add(Frames.ipv4(src: "10.0.0.1", dst: "10.0.0.2", proto: 17, fragmentOffset: 0x00B9))
        let cut = Frames.ipv4(src: "127.0.0.9", dst: "10.0.0.2", proto: 17, payload: 100)
        pcap.add(Array(cut.prefix(22)), originalLength: cut.count)
        pcap.add(Frames.ipv4(src: "10.0.0.3", dst: "10.0.0.4", proto: 47, payload: 12))
        let packets = try PacketSource.read(bytes: pcap.bytes, overrideInterface: "eth0").packets.map(\.summary)
        #expect(packets == [
            "eth0 10.0.0.1 > 10.0.0.2 tcp 22->5555 len 58",
            "eth0 10.0.0.1 > 10.0.0.2 udp len 32",
            "eth0 127.0.0.9 > 10.0.0.2 udp len 128",
            "eth0 10.0.0.3 > 10.0.0.4 proto-47 len 32",
        ])
    }

    @Test("IPv6 extension headers are walked to the transport")
    func ipv6Extensions() throws {
        var pcap = PcapWriter(linkType: 229)
        pcap.add(Frames.ipv6(src: "::1", dst: "2001:db8::2", proto: 17, sport: 7, dport: 9,
                             extensions: [.hopByHop, .routing, .destinationOptions, .fragment(offset: 0)]))
        pcap.add(Frames.ipv6(src: "::1", dst: "2001:db8::2", proto: 6, extensions: [.fragment(offset: 100)]))
        pcap.add(Frames.ipv6(src: "::1", dst: "2001:db8::2", proto: 6, sport: 80, dport: 8080, extensions: [.authentication]))
        pcap.add(Frames.ipv6(src: "::1", dst: "ff02::16", proto: 58, extensions: [.hopByHop]))
        let packets = try PacketSource.read(bytes: pcap.bytes, overrideInterface: "eth0").packets.map(\.summary)
        #expect(packets == [
            "eth0 ::1 > 2001:db8::2 udp 7->9 len 84",
            "eth0 ::1 > 2001:db8::2 tcp len 60",
            "eth0 ::1 > 2001:db8::2 tcp 80->8080 len 80",
            "eth0 ::1 > ff02::16 icmpv6 len 60",
        ])
    }

    @Test("Ethernet padding is not counted; zero length fields of offloaded giants are the frame length")
    func paddingAndGiants() throws {
        var pcap = PcapWriter(linkType: 1)
        // A bare IPv6 header (no next header, payload 0) and a small IPv4 packet, padded to 60 bytes.
        pcap.add(Frames.ethernetIP(Frames.ipv6(src: "::1", dst: "::2", proto: 59, payload: 0)) + [UInt8](repeating: 0, count: 6))
        pcap.add(Frames.ethernetIP(Frames.ipv4(src: "127.0.0.1", dst: "10.0.0.1", proto: 17, payload: 0)) + [UInt8](repeating: 0, count: 18))
        pcap.add(Frames.ethernetIP(Frames.ipv6(src: "::1", dst: "::2", proto: 6, payload: 70_000, payloadLength: 0)))
        pcap.add(Frames.ethernetIP(Frames.ipv4(src: "127.0.0.1", dst: "10.0.0.1", proto: 6, payload: 70_000, totalLength: 0)))
        let packets = try PacketSource.read(bytes: pcap.bytes, overrideInterface: "eth0").packets
        #expect(packets.map(\.length) == [40, 28, 40 + 20 + 70_000, 20 + 20 + 70_000])
        #expect(packets[0].transport == .other(59))
        #expect(packets[2].destinationPort == 53)
    }

    @Test("a pcap without --iif or a default interface is a usage error that says to pass --iif")
    func needsInterface() throws {
        var pcap = PcapWriter(linkType: 1)
        pcap.add(Frames.ethernetIP(Self.udp4))
        let error = #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: pcap.bytes) }
        #expect(error?.kind == .usage)
        #expect(error?.fix?.contains("--iif NAME") == true)
        #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: pcap.bytes, overrideInterface: "wan*") }
        #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: pcap.bytes, overrideInterface: "a/b") }
        #expect(try PacketSource.read(bytes: pcap.bytes, defaultInterface: "lo").packets[0].inputInterface.kind == .loopback)
    }

    @Test("a truncated last record stops with its number and offset; --skip-bad keeps the rest")
    func truncatedRecord() throws {
        var pcap = PcapWriter(linkType: 1)
        let frame = Frames.ethernetIP(Self.udp4)
        pcap.add(frame)
        pcap.add(frame)
        let cut = Array(pcap.bytes.dropLast(5))
        let secondOffset = 24 + 16 + frame.count
        let error = #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: cut, name: "cut.pcap", overrideInterface: "eth0") }
        #expect(error?.location.record == 2)
        #expect(error?.location.byteOffset == secondOffset)
        #expect(error?.description.hasPrefix("cut.pcap: packet 2 (byte offset \(secondOffset)): record claims") == true)
        #expect(error?.exitCode == 65)

        let skipping = try PacketSource.read(bytes: cut, overrideInterface: "eth0", skipBad: true)
        #expect(skipping.packets.count == 1)
        #expect(skipping.skipped.map(\.location.byteOffset) == [secondOffset])

        let headerCut = Array(pcap.bytes.prefix(secondOffset + 7))
        let short = try PacketSource.read(bytes: headerCut, overrideInterface: "eth0", skipBad: true)
        #expect(short.packets.count == 1)
        #expect(short.skipped.first?.reason.contains("record header truncated") == true)
    }

    @Test("a corrupt IP header in the middle is skipped with --skip-bad, and the next record is read")
    func corruptMiddle() throws {
        var pcap = PcapWriter(linkType: 1)
        let good = Frames.ethernetIP(Self.udp4)
        pcap.add(good)
        pcap.add(Frames.ethernetIP(Frames.ipv4(src: "1.2.3.4", dst: "5.6.7.8", versionIHL: 0x43)))
        pcap.add(Frames.ethernetIP(Frames.ipv4(src: "1.2.3.4", dst: "5.6.7.8", totalLength: 900)))
        pcap.add(Frames.ethernet([0x45], etherType: 0x0800))
        pcap.add(good)
        let error = #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: pcap.bytes, overrideInterface: "eth0") }
        #expect(error?.location.record == 2)
        #expect(error?.location.byteOffset == 24 + 16 + good.count)
        #expect(error?.reason.contains("header length 12") == true)
        let result = try PacketSource.read(bytes: pcap.bytes, overrideInterface: "eth0", skipBad: true)
        #expect(result.packets.count == 2)
        #expect(result.skipped.map(\.location.record) == [2, 3, 4])
        #expect(result.skipped[1].reason.contains("total length 900"))
        #expect(result.counts.skipped == 3)
    }

    @Test("skipped-record details are capped; the count is not")
    func skippedCap() throws {
        var pcap = PcapWriter(linkType: 101)
        let limit = PacketIterator.skippedDetailLimit
        for _ in 0..<(limit + 5) { pcap.add([0x45]) }
        pcap.add(Self.udp4)
        let result = try PacketSource.read(bytes: pcap.bytes, overrideInterface: "eth0", skipBad: true)
        #expect(result.counts.skipped == limit + 5)
        #expect(result.skipped.count == limit)
        #expect(result.skipped.last?.location.record == limit)
        #expect(result.packets.count == 1)
    }

    @Test("unsupported link types and versions are refused by name")
    func unsupported() throws {
        var pcap = PcapWriter(linkType: 147)
        pcap.add(Self.udp4)
        let error = #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: pcap.bytes, overrideInterface: "eth0") }
        #expect(error?.reason.contains("link type 147 is not supported") == true)
        var bytes = PcapWriter(linkType: 1).bytes
        bytes[4] = 9
        #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: bytes, overrideInterface: "eth0") }
        #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: Array(bytes.prefix(10)), overrideInterface: "eth0") }
    }
}
