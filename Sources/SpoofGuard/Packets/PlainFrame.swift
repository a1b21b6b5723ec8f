/// Receives the layer-3 facts of captured frames: what a classifier reads, and no more.
protocol CapturedFrameSink {
    mutating func ipv4(source: UInt32, destination: UInt32, isTCP: Bool)
    mutating func ipv6(source: UInt128, destination: UInt128, isTCP: Bool)
    /// A packet that arrived tagged or in PPPoE: its fate depends on more than its addresses.
    mutating func encapsulated(_ fields: PacketFields)
}

extension CapturedFrameSink {
    @inline(__always)
    mutating func add(_ fields: PacketFields) {
        if fields.encapsulation != .untagged {
            encapsulated(fields)
        } else if fields.family == .ipv4 {
            ipv4(source: fields.source4, destination: fields.destination4, isTCP: fields.isTCP)
        } else {
            ipv6(source: fields.source6, destination: fields.destination6, isTCP: fields.isTCP)
        }
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
            guard available >= 14 else { return false }
            switch u16(frame, 12) {
            case 0x0800: announced = 4
            case 0x86DD: announced = 6
            default: return false
            }
            ip += 14
            available -= 14
        case .raw: break
        case .rawIPv4: announced = 4
        case .rawIPv6: announced = 6
        default: return false
        }
        guard available >= 1 else { return false }
        let first = ip.load(as: UInt8.self)
        let version = first >> 4
        guard announced == 0 || announced == version else { return false }
        if version == 4 {
            let headerLength = Int(first & 0x0F) * 4
            guard available >= 20, headerLength >= 20 else { return false }
            // A total length of 0 (BIG TCP) is left to the full decoder.
            let totalLength = Int(u16(ip, 2))
            guard totalLength >= headerLength, truncated || totalLength <= available else { return false }
            sink.ipv4(source: u32(ip, 12), destination: u32(ip, 16), isTCP: ip.load(fromByteOffset: 9, as: UInt8.self) == 6)
            return true
        }
        if version == 6 {
            guard available >= 40 else { return false }
            guard truncated || 40 + Int(u16(ip, 4)) <= available else { return false }
            let nextHeader = ip.load(fromByteOffset: 6, as: UInt8.self)
            switch nextHeader {
            case 0, 43, 44, 51, 60, 135, 139, 140: return false   // extension headers: the full walk
            default: break
            }
            sink.ipv6(source: u128(ip, 8), destination: u128(ip, 24), isTCP: nextHeader == 6)
            return true
        }
        return false
    }

    @inline(__always)
    private static func u16(_ base: UnsafeRawPointer, _ offset: Int) -> UInt16 {
        UInt16(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    private static func u32(_ base: UnsafeRawPointer, _ offset: Int) -> UInt32 {
        UInt32(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    private static func u128(_ base: UnsafeRawPointer, _ offset: Int) -> UInt128 {
        UInt128(UInt64(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))) << 64
            | UInt128(UInt64(bigEndian: base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)))
    }
}
