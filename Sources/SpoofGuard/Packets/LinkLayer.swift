/// The link-layer header types spoofguard decodes, by their pcap LINKTYPE number
/// (https://www.tcpdump.org/linktypes.html). Anything else is refused by name, not guessed.
enum LinkLayer: Sendable, Equatable {
    /// BSD loopback/null: a 4-byte address family in the writer's byte order.
    case null
    /// OpenBSD loopback: the address family in network byte order.
    case loop
    case ethernet
    /// Raw IP, version from the first nibble.
    case raw
    case rawIPv4
    case rawIPv6
    /// Linux "cooked" capture (tcpdump -i any, libpcap < 1.10).
    case linuxSLL
    /// Linux cooked capture v2: carries an interface index, which is not a name.
    case linuxSLL2

    init?(linkType: UInt32) {
        switch linkType {
        case 0: self = .null
        case 1: self = .ethernet
        // DLT_RAW is 12 on most systems and 14 on OpenBSD; old files store those numbers.
        case 12, 14, 101: self = .raw
        case 108: self = .loop
        case 113: self = .linuxSLL
        case 228: self = .rawIPv4
        case 229: self = .rawIPv6
        case 276: self = .linuxSLL2
        default: return nil
        }
    }

    static let supportedList = "0 (NULL), 1 (EN10MB), 12/14/101 (RAW), 108 (LOOP), 113 (LINUX_SLL), 228 (IPV4), 229 (IPV6), 276 (LINUX_SLL2)"

    static func unsupportedReason(_ linkType: UInt32) -> String {
        "link type \(linkType) is not supported (supported: \(supportedList))"
    }

    static let unsupportedFix = "convert the capture, e.g. capture again with tcpdump -i <device> on an Ethernet or loopback device"
}

/// What one captured frame turned out to be.
enum FrameOutcome {
    case ip(DecodedIP)
    case notIP
    /// Sent by the capturing host, so never on the receive path.
    case outgoing
    case bad(String)
}

/// The layer-3 facts of a frame, before an input interface is attached. Addresses stay
/// integers (what the evaluator compares), so a capture can be classified without building
/// a `Packet` per frame.
struct DecodedIP {
    var fields: PacketFields
    var transport: TransportProtocol?
    var sourcePort: UInt16?
    var destinationPort: UInt16?
    var length: Int

    var source: IPAddress {
        fields.family == .ipv4 ? .v4(IPv4Address(bits: fields.source4)) : .v6(IPv6Address(bits: fields.source6))
    }

    var destination: IPAddress {
        fields.family == .ipv4 ? .v4(IPv4Address(bits: fields.destination4)) : .v6(IPv6Address(bits: fields.destination6))
    }

    func packet(on interface: InputInterface) -> Packet {
        var packet = Packet(inputInterface: interface, source: source, destination: destination, transport: transport,
                            sourcePort: sourcePort, destinationPort: destinationPort, length: length)
        packet.encapsulation = fields.encapsulation
        return packet
    }
}

enum FrameDecoder {
    /// Decodes the frame in `start ..< start + capturedLength`. `truncated` says the capture
    /// cut the frame (snap length), which excuses missing transport headers but not a missing
    /// IP header. `bigEndianFile` is the byte order of the file (for the NULL header).
    @inline(__always)
    static func decode(_ reader: ByteReader, start: Int, capturedLength: Int, truncated: Bool,
                       link: LinkLayer, bigEndianFile: Bool) -> FrameOutcome {
        guard reader.has(capturedLength, at: start) else { return .bad("frame runs past the end of its record") }
        let end = start + capturedLength
        func need(_ count: Int, _ what: String) -> String? {
            capturedLength >= count ? nil : "\(what) header truncated: \(capturedLength) of \(count) bytes captured"
        }
        switch link {
        case .ethernet:
            if let problem = need(Int(ProtocolHeader.ethernet.length), "Ethernet") { return .bad(problem) }
            var etherType = reader.u16(start, .ethernetType)
            var offset = start + Int(ProtocolHeader.ethernet.length)
            var encapsulation = LinkEncapsulation.untagged
            // 802.1Q, 802.1ad and the pre-standard 0x9100 QinQ tag, possibly stacked: kept,
            // because the kernel unwraps only one of them before the bridge and ingress hooks.
            while let tpid = EtherType(rawValue: etherType), tpid.header == .vlan {
                guard encapsulation.tags.count < LinkEncapsulation.maximumTags else {
                    return .bad("more than \(LinkEncapsulation.maximumTags) stacked VLAN tags")
                }
                let tag = Int(ProtocolHeader.vlan.length)
                guard end - offset >= tag else { return .bad("VLAN tag \(encapsulation.tags.count + 1) truncated") }
                encapsulation.tags.append(LinkEncapsulation.Tag(tpid, tci: reader.u16(offset, .vlanTCI)))
                etherType = reader.u16(offset, .vlanType)
                offset += tag
            }
            if etherType == EtherType.pppoeSession.rawValue {
                // RFC 2516 §4: ver/type, code, session id, length, then the PPP protocol.
                let header = Int(ProtocolHeader.pppoeSession.length)
                guard end - offset >= header else {
                    return .bad("PPPoE session header truncated: \(end - offset) of \(header) bytes captured")
                }
                encapsulation.pppoeSession = reader.u16(offset, .pppoeSession)
                let pppProtocol = reader.u16(offset, .pppoeProtocol)
                offset += header
                etherType = switch pppProtocol {
                case PPPProtocol.ipv4: EtherType.ipv4.rawValue
                case PPPProtocol.ipv6: EtherType.ipv6.rawValue
                default: 0   // LCP, IPCP, …: not IP
                }
            }
            let outcome = decodeEtherType(etherType, reader, start: offset, end: end, truncated: truncated)
            guard case .ip(var ip) = outcome, encapsulation != .untagged else { return outcome }
            ip.fields.encapsulation = encapsulation
            return .ip(ip)
        case .linuxSLL:
            if let problem = need(16, "Linux cooked (SLL)") { return .bad(problem) }
            if reader.u16(start) == 4 { return .outgoing }  // PACKET_OUTGOING
            if reader.u16(start + 2) == 824 { return .notIP }  // ARPHRD_NETLINK: protocol is a netlink family
            return decodeEtherType(reader.u16(start + 14), reader, start: start + 16, end: end, truncated: truncated)
        case .linuxSLL2:
            if let problem = need(20, "Linux cooked v2 (SLL2)") { return .bad(problem) }
            if reader.u8(start + 10) == 4 { return .outgoing }
            if reader.u16(start + 8) == 824 { return .notIP }
            return decodeEtherType(reader.u16(start), reader, start: start + 20, end: end, truncated: truncated)
        case .null, .loop:
            if let problem = need(4, "loopback") { return .bad(problem) }
            var family = reader.u32(start, bigEndian: link == .loop || bigEndianFile)
            // The NULL header is in the capturing host's order; tcpdump swaps an implausible value.
            if link == .null, family & 0xFFFF_0000 != 0 { family = family.byteSwapped }
            switch family {
            case 2: return IPDecoder.decode(reader, start: start + 4, end: end, truncated: truncated, expectedVersion: 4)
            // AF_INET6 is 24 on NetBSD/OpenBSD, 28 on FreeBSD, 30 on macOS.
            case 24, 28, 30: return IPDecoder.decode(reader, start: start + 4, end: end, truncated: truncated, expectedVersion: 6)
            default: return .notIP
            }
        case .raw:
            return IPDecoder.decode(reader, start: start, end: end, truncated: truncated, expectedVersion: nil)
        case .rawIPv4:
            return IPDecoder.decode(reader, start: start, end: end, truncated: truncated, expectedVersion: 4)
        case .rawIPv6:
            return IPDecoder.decode(reader, start: start, end: end, truncated: truncated, expectedVersion: 6)
        }
    }

    @inline(__always)
    private static func decodeEtherType(_ etherType: UInt16, _ reader: ByteReader, start: Int, end: Int,
                                        truncated: Bool) -> FrameOutcome {
        switch etherType {
        case EtherType.ipv4.rawValue: IPDecoder.decode(reader, start: start, end: end, truncated: truncated, expectedVersion: 4)
        case EtherType.ipv6.rawValue: IPDecoder.decode(reader, start: start, end: end, truncated: truncated, expectedVersion: 6)
        default: .notIP
        }
    }
}
