import SpoofGuard

/// Builds the bytes of a `Packet` as it travels on a wire: Ethernet (optionally 802.1Q
/// tagged), IPv4 or IPv6, and a UDP, TCP or ICMP header, every checksum correct, so that
/// the kernel accepts the frame as it would a real one.
///
/// The transport headers are chosen so that a receiving host never answers them (an answer
/// would be a second packet in the counters being compared): TCP segments carry RST|ACK, and
/// ICMP / ICMPv6 messages are echo *replies*.
public enum FrameBuilder {
    public static let etherTypeIPv4: UInt16 = 0x0800
    public static let etherTypeIPv6: UInt16 = 0x86DD
    public static let etherTypeVLAN: UInt16 = 0x8100

    /// Ports used when the packet does not say.
    public static let defaultSourcePort: UInt16 = 40_000
    public static let defaultDestinationPort: UInt16 = 9   // discard

    public static let tcpFlagsRSTACK: UInt8 = 0x14

    /// The frame for `packet`: destination MAC, source MAC, an optional 802.1Q tag, the EtherType,
    /// then `ipDatagram(packet)`. A packet with an encapsulation (tag stack, PPPoE session) is
    /// framed in it instead, and `vlanID` is not used.
    public static func ethernetFrame(
        _ packet: Packet, source: MACAddress, destination: MACAddress, vlanID: UInt16? = nil,
        hopLimit: UInt8 = 64, identification: UInt16 = 0
    ) -> [UInt8] {
        var frame = destination.bytes + source.bytes
        if packet.encapsulation != .untagged {
            let datagram = ipDatagram(packet, hopLimit: hopLimit, identification: identification)
            return frame + packet.encapsulation.linkHeader(for: packet.family, networkLength: datagram.count).dropFirst(12) + datagram
        }
        if let vlanID {
            precondition(vlanID > 0 && vlanID < 4095, "VLAN id \(vlanID) is outside 1...4094")
            frame.appendFrameField(etherTypeVLAN)
            frame.appendFrameField(vlanID)   // priority 0, DEI 0
        }
        frame.appendFrameField(packet.family == .ipv4 ? etherTypeIPv4 : etherTypeIPv6)
        frame += ipDatagram(packet, hopLimit: hopLimit, identification: identification)
        return frame
    }

    /// The layer-3 datagram: exactly `packet.length` bytes (what nftables counters add up),
    /// or the headers alone when the packet claims fewer bytes than its headers take.
    public static func ipDatagram(_ packet: Packet, hopLimit: UInt8 = 64, identification: UInt16 = 0) -> [UInt8] {
        let headerLength = packet.family == .ipv4 ? 20 : 40
        let transportLength = max(packet.length - headerLength, transportHeaderLength(packet.transport))
        let segment = transportSegment(packet, length: transportLength)
        switch (packet.source, packet.destination) {
        case let (.v4(source), .v4(destination)):
            var header: [UInt8] = [0x45, 0x00]
            header.appendFrameField(UInt16(20 + segment.count))
            header.appendFrameField(identification)
            header += [0x00, 0x00, hopLimit, protocolNumber(packet), 0x00, 0x00]
            header += source.bytes + destination.bytes
            let checksum = internetChecksum(header)
            header[10] = UInt8(checksum >> 8)
            header[11] = UInt8(truncatingIfNeeded: checksum)
            return header + segment
        case let (.v6(source), .v6(destination)):
            var header: [UInt8] = [0x60, 0x00, 0x00, 0x00]
            header.appendFrameField(UInt16(segment.count))
            header += [protocolNumber(packet), hopLimit]
            header += source.bytes + destination.bytes
            return header + segment
        default:
            preconditionFailure("source and destination differ in family")   // Packet.init forbids it
        }
    }

    /// The RFC 1071 one's-complement sum of 16-bit words (odd length padded with a zero byte),
    /// complemented. `initial` carries a pseudo-header sum.
    public static func internetChecksum(_ bytes: some Collection<UInt8>, initial: UInt32 = 0) -> UInt16 {
        ~onesComplementSum(bytes, initial: initial)
    }

    static func onesComplementSum(_ bytes: some Collection<UInt8>, initial: UInt32 = 0) -> UInt16 {
        var sum = UInt64(initial)
        var high = true
        for byte in bytes {
            sum += high ? UInt64(byte) << 8 : UInt64(byte)
            high.toggle()
        }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return UInt16(sum)
    }

    static func protocolNumber(_ packet: Packet) -> UInt8 {
        packet.transport?.number ?? 59   // 59: IPv6 "no next header"; for IPv4 an unassigned number
    }

    static func transportHeaderLength(_ transport: TransportProtocol?) -> Int {
        switch transport {
        case .tcp: 20
        case .udp, .icmp, .icmpv6: 8
        case .other, nil: 0
        }
    }

    /// The transport header and a payload of repeated `0x5A` up to `length` bytes.
    static func transportSegment(_ packet: Packet, length: Int) -> [UInt8] {
        let sourcePort = packet.sourcePort ?? defaultSourcePort
        let destinationPort = packet.destinationPort ?? defaultDestinationPort
        var segment: [UInt8] = []
        let checksumOffset: Int?
        switch packet.transport {
        case .udp:
            segment.appendFrameField(sourcePort)
            segment.appendFrameField(destinationPort)
            segment.appendFrameField(UInt16(length))
            segment += [0, 0]
            checksumOffset = 6
        case .tcp:
            segment.appendFrameField(sourcePort)
            segment.appendFrameField(destinationPort)
            segment += [0, 0, 0, 1, 0, 0, 0, 1]   // sequence, acknowledgment
            segment += [5 << 4, tcpFlagsRSTACK, 0, 0, 0, 0, 0, 0]   // offset, flags, window, checksum, urgent
            checksumOffset = 16
        case .icmp:
            segment += [0, 0, 0, 0, 0x53, 0x47, 0, 1]   // echo reply, code 0, checksum, id, sequence
            checksumOffset = 2
        case .icmpv6:
            segment += [129, 0, 0, 0, 0x53, 0x47, 0, 1]   // echo reply
            checksumOffset = 2
        case .other, nil:
            checksumOffset = nil
        }
        segment += [UInt8](repeating: 0x5A, count: max(0, length - segment.count))
        guard let checksumOffset else { return segment }

        // ICMPv4 has no pseudo header; UDP, TCP and ICMPv6 (RFC 8200 §8.1) do.
        let usesPseudoHeader = !(packet.transport == .icmp && packet.family == .ipv4)
        let pseudo = usesPseudoHeader ? pseudoHeaderSum(packet, length: segment.count) : 0
        var checksum = internetChecksum(segment, initial: pseudo)
        if packet.transport == .udp && checksum == 0 { checksum = 0xFFFF }   // 0 means "none" in UDP
        segment[checksumOffset] = UInt8(checksum >> 8)
        segment[checksumOffset + 1] = UInt8(truncatingIfNeeded: checksum)
        return segment
    }

    static func pseudoHeaderSum(_ packet: Packet, length: Int) -> UInt32 {
        var pseudo: [UInt8]
        switch (packet.source, packet.destination) {
        case let (.v4(source), .v4(destination)):
            pseudo = source.bytes + destination.bytes + [0, protocolNumber(packet)]
            pseudo.appendFrameField(UInt16(length))
        case let (.v6(source), .v6(destination)):
            pseudo = source.bytes + destination.bytes
            pseudo.appendFrameField(UInt32(length))
            pseudo += [0, 0, 0, protocolNumber(packet)]
        default:
            preconditionFailure("source and destination differ in family")
        }
        return UInt32(onesComplementSum(pseudo))
    }
}

fileprivate extension [UInt8] {
    mutating func appendFrameField<T: FixedWidthInteger>(_ value: T) {
        for index in stride(from: T.bitWidth / 8 - 1, through: 0, by: -1) {
            append(UInt8(truncatingIfNeeded: value >> (index * 8)))
        }
    }
}
