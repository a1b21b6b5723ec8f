/// Receives captured IP frames: the layer-3 facts of plain frames straight from the capture,
/// and every other IP frame as the full decoder reads it.
protocol CapturedFrameSink {
    mutating func ipv4(source: UInt32, destination: UInt32, transport: PlainTransport)
    mutating func ipv6(source: UInt128, destination: UInt128, transport: PlainTransport)
    /// A frame `PlainFrame` leaves to the full decoder: tagged or in PPPoE (its fate depends
    /// on more than its addresses), IPv6 extension headers, other link types.
    mutating func decoded(_ ip: DecodedIP)
}

/// What follows a plain frame's IP header — the transport protocol, the ports and the
/// layer-3 length, as `IPDecoder` finds them — read only by sinks that show it (the
/// listing); the summary reads `isTCP` alone and the rest is never computed.
struct PlainTransport {
    let protocolNumber: UInt8
    /// The IP header; the offsets below count from it.
    let ip: UnsafeRawPointer
    let transportStart: Int
    /// The end of the captured payload (the total length, or less when the snap length cut it).
    let payloadEnd: Int
    let firstFragment: Bool
    /// The IP header and payload, as the header says (what nftables counters add up).
    let length: Int

    var isTCP: Bool { protocolNumber == NetworkProtocolNumbers.tcp }

    /// The port pair `th` reads: first fragments of port-carrying transports whose first four
    /// bytes were captured.
    var ports: (source: UInt16, destination: UInt16)? {
        let (sport, dport) = (HeaderField.transportSourcePort, HeaderField.transportDestinationPort)
        guard firstFragment, NetworkProtocolNumbers.carriesPorts(protocolNumber),
              transportStart <= payloadEnd - Int(dport.offset + dport.length) else { return nil }
        return (PlainFrame.u16(ip + transportStart, sport), PlainFrame.u16(ip + transportStart, dport))
    }
}

/// The common frame, recognised in a few comparisons: untagged Ethernet or raw IP carrying
/// an IPv4 header, or an IPv6 header with no extension header, that passes every check of
/// `FrameDecoder.decode`. Anything else — tags, other link types, extension headers, any
/// frame the full decoder would refuse or count — is left to `FrameDecoder.decode`, so its
/// messages and counts stay the only ones. A test holds the two to the same facts.
enum PlainFrame {
    /// Hands the facts of the frame at `frame` (`capturedLength` bytes, all inside the
    /// capture) to `sink` and returns true, or returns false and hands over nothing.
    @inline(__always)
    static func decode<Sink: CapturedFrameSink>(_ frame: UnsafeRawPointer, capturedLength: Int, truncated: Bool,
                                                link: LinkLayer, into sink: inout Sink) -> Bool {
        var ip = frame
        var available = capturedLength
        var announced: UInt8 = 0   // the version the link layer announces; 0 for raw IP
        switch link {
        case .ethernet:
            let ethernet = Int(ProtocolHeader.ethernet.length)
            guard available >= ethernet else { return false }
            switch u16(frame, HeaderField.ethernetType) {
            case EtherType.ipv4.rawValue: announced = 4
            case EtherType.ipv6.rawValue: announced = 6
            default: return false
            }
            ip += ethernet
            available -= ethernet
        case .raw: break
        case .rawIPv4: announced = 4
        case .rawIPv6: announced = 6
        default: return false
        }
        guard available >= 1 else { return false }
        // Version and header length are the first byte's nibbles.
        let first = ip.load(as: UInt8.self)
        let version = first >> 4
        guard announced == 0 || announced == version else { return false }
        if version == 4 {
            let headerLength = Int(first & 0x0F) * 4
            let minimum = Int(ProtocolHeader.ipv4.length)
            guard available >= minimum, headerLength >= minimum else { return false }
            // A total length of 0 (BIG TCP) is left to the full decoder.
            let totalLength = Int(u16(ip, HeaderField.ipv4TotalLength))
            guard totalLength >= headerLength, truncated || totalLength <= available else { return false }
            let transport = PlainTransport(protocolNumber: u8(ip, HeaderField.ipv4Protocol), ip: ip,
                                           transportStart: headerLength, payloadEnd: min(available, totalLength),
                                           firstFragment: u16(ip, HeaderField.ipv4FragmentOffset) & 0x1FFF == 0, length: totalLength)
            sink.ipv4(source: u32(ip, HeaderField.ipv4Source), destination: u32(ip, HeaderField.ipv4Destination), transport: transport)
            return true
        }
        if version == 6 {
            let fixed = Int(ProtocolHeader.ipv6.length)
            guard available >= fixed else { return false }
            var length = fixed + Int(u16(ip, HeaderField.ipv6PayloadLength))
            guard truncated || length <= available else { return false }
            // BIG TCP: payload length 0 on a complete frame beyond 64 KiB (as `IPDecoder`).
            if length == fixed && available > 65535 + fixed && !truncated { length = available }
            let nextHeader = u8(ip, HeaderField.ipv6NextHeader)
            // Extension headers: the full walk.
            guard !NetworkProtocolNumbers.isIPv6ExtensionHeader(nextHeader) else { return false }
            let transport = PlainTransport(protocolNumber: nextHeader, ip: ip, transportStart: fixed,
                                           payloadEnd: min(available, length), firstFragment: true, length: length)
            sink.ipv6(source: u128(ip, HeaderField.ipv6Source), destination: u128(ip, HeaderField.ipv6Destination), transport: transport)
            return true
        }
        return false
    }

    /// A field of the header at `base`, by its place in the protocol table.
    @inline(__always)
    static func u8(_ base: UnsafeRawPointer, _ field: HeaderField) -> UInt8 {
        base.load(fromByteOffset: Int(field.offset), as: UInt8.self)
    }

    @inline(__always)
    static func u16(_ base: UnsafeRawPointer, _ field: HeaderField) -> UInt16 {
        u16(base, Int(field.offset))
    }

    @inline(__always)
    private static func u32(_ base: UnsafeRawPointer, _ field: HeaderField) -> UInt32 {
        UInt32(bigEndian: base.loadUnaligned(fromByteOffset: Int(field.offset), as: UInt32.self))
    }

    @inline(__always)
    private static func u128(_ base: UnsafeRawPointer, _ field: HeaderField) -> UInt128 {
        let offset = Int(field.offset)
        return UInt128(UInt64(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))) << 64
            | UInt128(UInt64(bigEndian: base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)))
    }

    @inline(__always)
    static func u16(_ base: UnsafeRawPointer, _ offset: Int) -> UInt16 {
        UInt16(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }
}
