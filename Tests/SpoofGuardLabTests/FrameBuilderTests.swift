import Testing
import SpoofGuard
@testable import SpoofGuardLab

@Suite struct FrameBuilderTests {
    let mac1 = MACAddress(parsing: "02:00:00:00:00:01")!
    let mac2 = MACAddress(parsing: "02:00:00:00:00:02")!

    func packet(_ source: String, _ destination: String, _ transport: TransportProtocol?,
                length: Int? = nil, ports: (UInt16, UInt16)? = nil) -> Packet {
        Packet(inputInterface: InputInterface(name: "eth0"), source: try! IPAddress(parsing: source),
               destination: try! IPAddress(parsing: destination), transport: transport,
               sourcePort: ports?.0, destinationPort: ports?.1, length: length)
    }

    /// Sum of a checksummed region with the checksum in place: 0xFFFF iff it is correct.
    func verifies(_ bytes: [UInt8], initial: UInt32 = 0) -> Bool {
        FrameBuilder.onesComplementSum(bytes, initial: initial) == 0xFFFF
    }

    @Test func ipv4HeaderChecksumMatchesTheWellKnownExample() {
        // The IPv4 header used in countless checksum explanations: its checksum is 0xB861.
        let header: [UInt8] = [0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
                               0xC0, 0xA8, 0x00, 0x01, 0xC0, 0xA8, 0x00, 0xC7]
        #expect(FrameBuilder.internetChecksum(header) == 0xB861)
    }

    @Test func rfc1071ExampleSum() {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum (with end-around carry) to ddf2.
        #expect(FrameBuilder.onesComplementSum([0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7]) == 0xDDF2)
        #expect(FrameBuilder.internetChecksum([0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7]) == 0x220D)
    }

    @Test func oddLengthIsPaddedWithZero() {
        #expect(FrameBuilder.onesComplementSum([0x12, 0x34, 0x56]) == 0x1234 + 0x5600)
    }

    @Test func udpOverIPv4KnownVector() {
        // 192.0.2.2:40000 -> 192.0.2.1:9, 8 bytes of 0x5A; checksum computed by hand:
        // pseudo c000+0202+c000+0201+0011+0010, header 9c40+0009+0010, payload 4×5a5a.
        let datagram = FrameBuilder.ipDatagram(packet("192.0.2.2", "192.0.2.1", .udp, length: 36))
        #expect(datagram.count == 36)
        var sum: UInt32 = 0xC000 + 0x0202 + 0xC000 + 0x0201 + 0x0011 + 0x0010 + 0x9C40 + 0x0009 + 0x0010 + 4 * 0x5A5A
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        let expected = ~UInt16(sum)
        #expect(UInt16(datagram[26]) << 8 | UInt16(datagram[27]) == expected)
        #expect(verifies(Array(datagram[0..<20])))
    }

    @Test func ipv4HeaderFields() {
        let datagram = FrameBuilder.ipDatagram(packet("127.0.0.1", "192.0.2.1", .tcp), hopLimit: 61, identification: 0x1234)
        #expect(datagram.count == 40)
        #expect(datagram[0] == 0x45)
        #expect(Array(datagram[2..<4]) == [0, 40])
        #expect(Array(datagram[4..<6]) == [0x12, 0x34])
        #expect(datagram[8] == 61)
        #expect(datagram[9] == 6)
        #expect(Array(datagram[12..<16]) == [127, 0, 0, 1])
        #expect(Array(datagram[16..<20]) == [192, 0, 2, 1])
        #expect(verifies(Array(datagram[0..<20])))
        #expect(datagram[20 + 13] == FrameBuilder.tcpFlagsRSTACK)
    }

    @Test(arguments: [TransportProtocol.udp, .tcp, .icmpv6])
    func ipv6TransportChecksumsVerify(_ transport: TransportProtocol) {
        let p = packet("::ffff:127.0.0.1", "2001:db8:1::1", transport, length: 97)
        let datagram = FrameBuilder.ipDatagram(p)
        #expect(datagram.count == 97)
        #expect(datagram[0] >> 4 == 6)
        #expect(Int(datagram[4]) << 8 | Int(datagram[5]) == 57)
        #expect(datagram[6] == transport.number)
        let segment = Array(datagram[40...])
        #expect(verifies(segment, initial: FrameBuilder.pseudoHeaderSum(p, length: segment.count)))
    }

    @Test func icmpv4ChecksumHasNoPseudoHeader() {
        let datagram = FrameBuilder.ipDatagram(packet("198.51.100.1", "192.0.2.1", .icmp))
        #expect(datagram[20] == 0)   // echo reply: a host never answers it
        #expect(verifies(Array(datagram[20...])))
    }

    @Test func udpChecksumVerifiesForManyAddresses() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<500 {
            let source = IPv4Address(bits: UInt32.random(in: 0...UInt32.max, using: &generator))
            let destination = IPv4Address(bits: UInt32.random(in: 0...UInt32.max, using: &generator))
            let length = Int.random(in: 28...300, using: &generator)
            let p = Packet(inputInterface: InputInterface(name: "eth0"), source: .v4(source), destination: .v4(destination),
                           transport: .udp, length: length)
            let datagram = FrameBuilder.ipDatagram(p)
            #expect(datagram.count == length)
            let segment = Array(datagram[20...])
            #expect(verifies(segment, initial: FrameBuilder.pseudoHeaderSum(p, length: segment.count)))
            #expect(segment[6] != 0 || segment[7] != 0)
        }
    }

    @Test func ethernetFrameWithAndWithoutVLANTag() {
        let p = packet("192.0.2.2", "192.0.2.1", .udp)
        let plain = FrameBuilder.ethernetFrame(p, source: mac1, destination: mac2)
        #expect(Array(plain[0..<6]) == mac2.bytes)
        #expect(Array(plain[6..<12]) == mac1.bytes)
        #expect(Array(plain[12..<14]) == [0x08, 0x00])
        #expect(plain.count == 14 + 28)
        let tagged = FrameBuilder.ethernetFrame(p, source: mac1, destination: mac2, vlanID: 7)
        #expect(Array(tagged[12..<18]) == [0x81, 0x00, 0x00, 0x07, 0x08, 0x00])
        #expect(Array(tagged[18...]) == Array(plain[14...]))
        let v6 = FrameBuilder.ethernetFrame(packet("::1", "2001:db8::1", .icmpv6), source: mac1, destination: mac2)
        #expect(Array(v6[12..<14]) == [0x86, 0xDD])
    }

    /// QinQ and PPPoE frames as the standards lay them out (IEEE 802.1ad, RFC 2516 §4 and
    /// RFC 1661 §2), and the offsets the compiler's selectors read them at.
    @Test func encapsulatedFrames() {
        var p = packet("127.0.0.1", "198.51.100.7", .udp)
        let plain = FrameBuilder.ethernetFrame(p, source: mac1, destination: mac2)
        p.encapsulation = LinkEncapsulation(tags: [.init(.vlan8021AD, tci: 100), .init(.vlan8021Q, tci: 7)])
        let qinq = FrameBuilder.ethernetFrame(p, source: mac1, destination: mac2, vlanID: 9)
        #expect(Array(qinq[12..<22]) == [0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x00, 0x07, 0x08, 0x00])
        #expect(Array(qinq[22...]) == Array(plain[14...]))
        #expect(p.encapsulation.networkOffset == 22)

        p.encapsulation = LinkEncapsulation(tags: [.init(.vlan8021Q, tci: 7)], pppoeSession: 0x1234)
        let pppoe = FrameBuilder.ethernetFrame(p, source: mac1, destination: mac2)
        let datagramLength = plain.count - 14
        #expect(Array(pppoe[12..<26]) == [0x81, 0x00, 0x00, 0x07, 0x88, 0x64, 0x11, 0x00, 0x12, 0x34,
                                          0x00, UInt8(datagramLength + 2), 0x00, 0x21])
        #expect(Array(pppoe[26...]) == Array(plain[14...]))
        for selector in p.encapsulation.selectors(for: .ipv4) {
            let offset = Int(selector.frameOffset)
            #expect(Array(pppoe[offset..<(offset + Int(selector.field.length))]) == selector.value, "\(selector.field)")
        }
        // nft 1.0.6 lists a raw load after a vlan type at a wrong offset: the PPP protocol goes first.
        #expect(p.encapsulation.selectors(for: .ipv4).first?.field == ProtocolHeader.pppoeSession.field(named: "protocol"))
    }

    @Test func headersOnlyWhenLengthIsTooSmall() {
        #expect(FrameBuilder.ipDatagram(packet("192.0.2.2", "192.0.2.1", .tcp, length: 10)).count == 40)
        #expect(FrameBuilder.ipDatagram(packet("2001:db8::2", "2001:db8::1", nil)).count == 40)
    }

    @Test func macAddressParsingAndPrinting() {
        #expect(MACAddress(parsing: "0a:1b:2c:3d:4e:5f")?.description == "0a:1b:2c:3d:4e:5f")
        #expect(MACAddress(parsing: "0a:1b:2c:3d:4e") == nil)
        #expect(MACAddress(parsing: "0a:1b:2c:3d:4e:5g") == nil)
        #expect(MACAddress.locallyAdministered(0x01020304).bytes == [0x02, 0x53, 1, 2, 3, 4])
    }
}
