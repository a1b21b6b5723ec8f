/// Decodes an IPv4 or IPv6 header and finds the transport protocol and ports, as nftables
/// sees them: `meta l4proto` after IPv6 extension headers, `th sport/dport` on first fragments.
enum IPDecoder {
    /// `start ..< end` are the captured bytes from the IP header on.
    @inline(__always)
    static func decode(_ reader: ByteReader, start: Int, end: Int, truncated: Bool,
                       expectedVersion: UInt8?) -> FrameOutcome {
        let available = end - start
        guard available >= 1 else { return .bad("the frame ends before its IP header") }
        let version = reader.u8(start) >> 4
        if let expectedVersion, version != expectedVersion {
            return .bad("the link layer announces IPv\(expectedVersion) but the IP header says version \(version)")
        }
        switch version {
        case 4: return decodeIPv4(reader, start: start, end: end, truncated: truncated)
        case 6: return decodeIPv6(reader, start: start, end: end, truncated: truncated)
        default: return .bad("IP version \(version) is neither 4 nor 6")
        }
    }

    @inline(__always)
    private static func decodeIPv4(_ reader: ByteReader, start: Int, end: Int, truncated: Bool) -> FrameOutcome {
        let available = end - start
        let minimum = Int(ProtocolHeader.ipv4.length)
        guard available >= minimum else { return .bad("IPv4 header truncated: \(available) of \(minimum) bytes captured") }
        let headerLength = Int(reader.u8(start) & 0x0F) * 4
        guard headerLength >= minimum else { return .bad("IPv4 header length \(headerLength) is below the minimum of \(minimum)") }
        var totalLength = Int(reader.u16(start, .ipv4TotalLength))
        // Super-sized GRO/GSO packets (BIG TCP) and some offloading drivers leave 0, which no
        // real header has (it is shorter than the header itself); the frame is the length.
        if totalLength == 0 && !truncated { totalLength = available }
        guard totalLength >= headerLength else {
            return .bad("IPv4 total length \(totalLength) is shorter than its \(headerLength)-byte header")
        }
        if !truncated && totalLength > available {
            return .bad("IPv4 total length \(totalLength) exceeds the \(available) bytes in the frame")
        }
        let protocolNumber = reader.u8(start, .ipv4Protocol)
        let fragmentOffset = reader.u16(start, .ipv4FragmentOffset) & 0x1FFF
        var decoded = DecodedIP(
            fields: PacketFields(source4: reader.u32(start, .ipv4Source), destination4: reader.u32(start, .ipv4Destination),
                                 isTCP: protocolNumber == NetworkProtocolNumbers.tcp),
            transport: TransportProtocol(number: protocolNumber),
            length: totalLength)
        let payloadEnd = min(end, start + totalLength)
        let transportStart = start + headerLength
        if fragmentOffset == 0 { (decoded.sourcePort, decoded.destinationPort) = ports(reader, protocolNumber, at: transportStart, end: payloadEnd) }
        return .ip(decoded)
    }

    private static func decodeIPv6(_ reader: ByteReader, start: Int, end: Int, truncated: Bool) -> FrameOutcome {
        let available = end - start
        let fixed = Int(ProtocolHeader.ipv6.length)
        guard available >= fixed else { return .bad("IPv6 header truncated: \(available) of \(fixed) bytes captured") }
        var length = fixed + Int(reader.u16(start, .ipv6PayloadLength))
        // Super-sized GRO/GSO packets (BIG TCP) carry payload length 0; the frame is the length.
        // Only beyond 64 KiB: a short frame with payload length 0 is a bare header plus padding.
        if length == fixed && available > 65535 + fixed && !truncated { length = available }
        if !truncated && length > available {
            return .bad("IPv6 payload length \(length - fixed) exceeds the \(available - fixed) bytes after the header")
        }
        func address(at offset: Int) -> UInt128 {
            UInt128(reader.u64(offset)) << 64 | UInt128(reader.u64(offset + 8))
        }
        var decoded = DecodedIP(fields: PacketFields(source6: address(at: start + Int(HeaderField.ipv6Source.offset)),
                                                     destination6: address(at: start + Int(HeaderField.ipv6Destination.offset))),
                                transport: nil, length: length)
        let limit = min(end, start + length)
        var nextHeader = reader.u8(start, .ipv6NextHeader)
        var offset = start + fixed
        var firstFragment = true
        // An extension header cut off by the snap length leaves the transport unknown;
        // one that runs past a complete packet means the packet is corrupt.
        func incomplete(_ what: String) -> FrameOutcome {
            truncated ? .ip(decoded) : .bad("IPv6 \(what) at byte \(offset - start) runs past the end of the packet")
        }
        var headers = 0
        walk: while true {
            switch nextHeader {
            case NetworkProtocolNumbers.ipv6Fragment:
                headers += 1
                guard headers <= 32 else { return .bad("IPv6 has more than 32 extension headers") }
                guard offset <= limit - 8 else { return incomplete("fragment header") }
                let fragmentOffset = reader.u16(offset + 2) >> 3
                nextHeader = reader.u8(offset)
                offset += 8
                if fragmentOffset != 0 {
                    firstFragment = false
                    break walk
                }
            case let number where NetworkProtocolNumbers.isIPv6ExtensionHeader(number):
                // Hop-by-hop, routing, destination options, mobility, HIP, shim6: (len + 1) * 8;
                // AH counts 4-byte words minus 2.
                headers += 1
                guard headers <= 32 else { return .bad("IPv6 has more than 32 extension headers") }
                guard offset <= limit - 2 else { return incomplete("extension header \(nextHeader)") }
                let lengthField = Int(reader.u8(offset + 1))
                let headerLength = nextHeader == NetworkProtocolNumbers.ipv6Authentication ? (lengthField + 2) * 4 : (lengthField + 1) * 8
                nextHeader = reader.u8(offset)
                offset += headerLength
                guard offset <= limit else { return incomplete("extension header") }
            default:
                break walk
            }
        }
        decoded.transport = TransportProtocol(number: nextHeader)
        decoded.fields.isTCP = nextHeader == NetworkProtocolNumbers.tcp
        if firstFragment { (decoded.sourcePort, decoded.destinationPort) = ports(reader, nextHeader, at: offset, end: limit) }
        return .ip(decoded)
    }

    /// The ports `th` reads from a transport header at `start`, when the transport carries
    /// them and they lie before `end`.
    @inline(__always)
    private static func ports(_ reader: ByteReader, _ protocolNumber: UInt8, at start: Int, end: Int) -> (UInt16?, UInt16?) {
        let (sport, dport) = (HeaderField.transportSourcePort, HeaderField.transportDestinationPort)
        guard NetworkProtocolNumbers.carriesPorts(protocolNumber), start <= end - Int(dport.offset + dport.length) else { return (nil, nil) }
        return (reader.u16(start, sport), reader.u16(start, dport))
    }
}

