@testable import SpoofGuard

/// Appends fixed-width integers in a chosen byte order: the building block of the test
/// captures, written byte by byte so that the readers are checked against the file formats
/// rather than against themselves.
struct ByteWriter {
    var bytes: [UInt8] = []
    var bigEndian: Bool

    init(bigEndian: Bool) { self.bigEndian = bigEndian }

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u16(_ value: UInt16) { append(value, width: 2) }
    mutating func u32(_ value: UInt32) { append(value, width: 4) }
    mutating func u64(_ value: UInt64) { append(value, width: 8) }
    mutating func append(_ data: [UInt8]) { bytes += data }
    mutating func padTo4() { while bytes.count % 4 != 0 { bytes.append(0) } }

    private mutating func append<T: FixedWidthInteger>(_ value: T, width: Int) {
        for index in 0..<width {
            let shift = bigEndian ? (width - 1 - index) * 8 : index * 8
            bytes.append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }
}

/// Frames and IP packets for tests.
enum Frames {
    static func v4(_ text: String) -> [UInt8] { try! IPv4Address(parsing: text).bytes }
    static func v6(_ text: String) -> [UInt8] { try! IPv6Address(parsing: text).bytes }

    static func ports(_ source: UInt16, _ destination: UInt16) -> [UInt8] {
        [UInt8(source >> 8), UInt8(source & 0xFF), UInt8(destination >> 8), UInt8(destination & 0xFF)]
    }

    /// A transport header of the right size for the protocol, with ports where it has them.
    static func transport(_ proto: UInt8, sport: UInt16, dport: UInt16, payload: Int) -> [UInt8] {
        switch proto {
        case 6:
            var header = ports(sport, dport) + [0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xFF, 0xFF, 0, 0, 0, 0]
            header += [UInt8](repeating: 0x61, count: payload)
            return header
        case 17:
            let length = UInt16(8 + payload)
            return ports(sport, dport) + [UInt8(length >> 8), UInt8(length & 0xFF), 0, 0] + [UInt8](repeating: 0x61, count: payload)
        case 1, 58:
            // Echo request (ICMP type 8, ICMPv6 type 128).
            return [proto == 1 ? 8 : 128, 0, 0, 0, 0, 1, 0, 1] + [UInt8](repeating: 0x61, count: payload)
        default:
            return [UInt8](repeating: 0x61, count: payload)
        }
    }

    static func ipv4(src: String, dst: String, proto: UInt8 = 17, sport: UInt16 = 40000, dport: UInt16 = 53,
                     payload: Int = 4, optionWords: Int = 0, fragmentOffset: UInt16 = 0,
                     totalLength: UInt16? = nil, versionIHL: UInt8? = nil) -> [UInt8] {
        let body = fragmentOffset == 0 ? transport(proto, sport: sport, dport: dport, payload: payload)
                                       : [UInt8](repeating: 0x62, count: 8 + payload)
        let headerLength = 20 + optionWords * 4
        let total = totalLength ?? UInt16(headerLength + body.count)
        var header: [UInt8] = [versionIHL ?? UInt8(0x40 | (headerLength / 4)), 0, UInt8(total >> 8), UInt8(total & 0xFF),
                               0x12, 0x34, UInt8(fragmentOffset >> 8), UInt8(fragmentOffset & 0xFF), 64, proto, 0, 0]
        header += v4(src) + v4(dst)
        header += [UInt8](repeating: 1, count: optionWords * 4)  // NOP options
        var sum: UInt32 = 0
        for index in stride(from: 0, to: header.count, by: 2) { sum += UInt32(header[index]) << 8 | UInt32(header[index + 1]) }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        let checksum = ~UInt16(sum)
        header[10] = UInt8(checksum >> 8)
        header[11] = UInt8(checksum & 0xFF)
        return header + body
    }

    /// An IPv6 extension header in the chain before the transport.
    enum Extension {
        case hopByHop, routing, destinationOptions
        case fragment(offset: UInt16)
        case authentication

        var number: UInt8 {
            switch self {
            case .hopByHop: 0
            case .routing: 43
            case .destinationOptions: 60
            case .fragment: 44
            case .authentication: 51
            }
        }

        func bytes(next: UInt8) -> [UInt8] {
            switch self {
            case .hopByHop, .destinationOptions: [next, 0, 1, 4, 0, 0, 0, 0]  // PadN
            case .routing: [next, 0, 253, 0, 0, 0, 0, 0]  // experimental type, no segments left
            case .fragment(let offset): [next, 0, UInt8((offset << 3) >> 8), UInt8(truncatingIfNeeded: offset << 3) | 1, 0, 0, 0, 7]
            case .authentication: [next, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]  // (2 + 2) * 4 = 16 bytes
            }
        }
    }

    static func ipv6(src: String, dst: String, proto: UInt8 = 17, sport: UInt16 = 40000, dport: UInt16 = 53,
                     payload: Int = 4, extensions: [Extension] = [], payloadLength: UInt16? = nil) -> [UInt8] {
        var chain: [UInt8] = []
        for (index, ext) in extensions.enumerated() {
            let next = index + 1 < extensions.count ? extensions[index + 1].number : proto
            chain += ext.bytes(next: next)
        }
        var nonFirstFragment = false
        for case .fragment(let offset) in extensions where offset != 0 { nonFirstFragment = true }
        let body = nonFirstFragment ? [UInt8](repeating: 0x62, count: 8 + payload)
                                    : transport(proto, sport: sport, dport: dport, payload: payload)
        let length = payloadLength ?? UInt16(chain.count + body.count)
        var header: [UInt8] = [0x60, 0, 0, 0, UInt8(length >> 8), UInt8(length & 0xFF),
                               extensions.first?.number ?? proto, 64]
        header += v6(src) + v6(dst)
        return header + chain + body
    }

    static let macA: [UInt8] = [0x02, 0, 0, 0, 0, 1]
    static let macB: [UInt8] = [0x02, 0, 0, 0, 0, 2]

    /// An Ethernet frame; `tags` are the TPIDs of stacked VLAN tags, outermost first.
    static func ethernet(_ payload: [UInt8], etherType: UInt16, tags: [UInt16] = []) -> [UInt8] {
        var frame = macB + macA
        for (index, tpid) in tags.enumerated() {
            frame += [UInt8(tpid >> 8), UInt8(tpid & 0xFF), 0, UInt8(10 + index)]
        }
        return frame + [UInt8(etherType >> 8), UInt8(etherType & 0xFF)] + payload
    }

    static func ethernetIP(_ packet: [UInt8], tags: [UInt16] = []) -> [UInt8] {
        ethernet(packet, etherType: packet.first.map { $0 >> 4 == 6 } == true ? 0x86DD : 0x0800, tags: tags)
    }

    static func arp() -> [UInt8] {
        ethernet([0, 1, 8, 0, 6, 4, 0, 1] + macA + v4("192.0.2.1") + [0, 0, 0, 0, 0, 0] + v4("192.0.2.2"), etherType: 0x0806)
    }

    static func lldp() -> [UInt8] {
        ethernet([0x02, 0x07, 0x04] + macA + [0x04, 0x03, 0x05, 0x65, 0x30, 0, 0], etherType: 0x88CC)
    }

    /// Linux cooked header (SLL, 16 bytes); packet type 0 = to us, 4 = outgoing.
    static func sll(_ payload: [UInt8], protocolType: UInt16, packetType: UInt16 = 0) -> [UInt8] {
        [UInt8(packetType >> 8), UInt8(packetType & 0xFF), 0, 1, 0, 6] + macA + [0, 0]
            + [UInt8(protocolType >> 8), UInt8(protocolType & 0xFF)] + payload
    }

    /// Linux cooked header v2 (SLL2, 20 bytes) with an interface index.
    static func sll2(_ payload: [UInt8], protocolType: UInt16, interfaceIndex: UInt32 = 2, packetType: UInt8 = 0) -> [UInt8] {
        var header: [UInt8] = [UInt8(protocolType >> 8), UInt8(protocolType & 0xFF), 0, 0]
        header += [UInt8(interfaceIndex >> 24), UInt8(truncatingIfNeeded: interfaceIndex >> 16),
                   UInt8(truncatingIfNeeded: interfaceIndex >> 8), UInt8(truncatingIfNeeded: interfaceIndex)]
        header += [0, 1, packetType, 6] + macA + [0, 0]
        return header + payload
    }

    /// BSD loopback header: the address family in the given byte order.
    static func null(_ payload: [UInt8], family: UInt32, bigEndian: Bool) -> [UInt8] {
        var writer = ByteWriter(bigEndian: bigEndian)
        writer.u32(family)
        return writer.bytes + payload
    }
}

/// Writes classic pcap files.
struct PcapWriter {
    private var writer: ByteWriter
    private let nanoseconds: Bool
    private var count: UInt32 = 0

    init(linkType: UInt32, bigEndian: Bool = false, nanoseconds: Bool = false, snapLength: UInt32 = 262_144) {
        writer = ByteWriter(bigEndian: bigEndian)
        self.nanoseconds = nanoseconds
        writer.u32(nanoseconds ? 0xA1B2_3C4D : 0xA1B2_C3D4)
        writer.u16(2)
        writer.u16(4)
        writer.u32(0)
        writer.u32(0)
        writer.u32(snapLength)
        writer.u32(linkType)
    }

    /// Adds a record; `originalLength` larger than the frame says the capture cut it.
    mutating func add(_ frame: [UInt8], originalLength: Int? = nil) {
        count += 1
        writer.u32(1_700_000_000 + count)
        writer.u32(nanoseconds ? 123_456_789 : 123_456)
        writer.u32(UInt32(frame.count))
        writer.u32(UInt32(originalLength ?? frame.count))
        writer.append(frame)
    }

    var bytes: [UInt8] { writer.bytes }
}

/// Writes pcapng files: sections, interfaces with names, packet blocks and any other block.
struct PcapngWriter {
    private(set) var bytes: [UInt8] = []
    private var bigEndian: Bool

    init(bigEndian: Bool = false) {
        self.bigEndian = bigEndian
        section(bigEndian: bigEndian)
    }

    /// Starts a section (possibly in the other byte order); interface numbering restarts.
    mutating func section(bigEndian: Bool) {
        self.bigEndian = bigEndian
        var body = ByteWriter(bigEndian: bigEndian)
        body.u32(0x1A2B_3C4D)
        body.u16(1)
        body.u16(0)
        body.u64(UInt64.max)  // section length unknown
        block(type: 0x0A0D_0D0A, body: body.bytes)
    }

    mutating func interface(linkType: UInt16, name: String?, snapLength: UInt32 = 0) {
        var body = ByteWriter(bigEndian: bigEndian)
        body.u16(linkType)
        body.u16(0)
        body.u32(snapLength)
        if let name { option(&body, code: 2, Array(name.utf8)) }
        option(&body, code: 9, [6])  // if_tsresol: microseconds
        body.u32(0)  // opt_endofopt
        block(type: 1, body: body.bytes)
    }

    mutating func enhancedPacket(interface: UInt32, _ frame: [UInt8], originalLength: Int? = nil, outbound: Bool = false) {
        var body = ByteWriter(bigEndian: bigEndian)
        body.u32(interface)
        body.u32(0x0006_0000)
        body.u32(0x1234_5678)
        body.u32(UInt32(frame.count))
        body.u32(UInt32(originalLength ?? frame.count))
        body.append(frame)
        body.padTo4()
        if outbound {
            var flags = ByteWriter(bigEndian: bigEndian)
            flags.u32(2)
            option(&body, code: 2, flags.bytes)
            body.u32(0)
        }
        block(type: 6, body: body.bytes)
    }

    /// The obsolete Packet Block (type 2) that old writers still produce.
    mutating func obsoletePacket(interface: UInt16, _ frame: [UInt8]) {
        var body = ByteWriter(bigEndian: bigEndian)
        body.u16(interface)
        body.u16(0)
        body.u32(0)
        body.u32(0)
        body.u32(UInt32(frame.count))
        body.u32(UInt32(frame.count))
        body.append(frame)
        body.padTo4()
        block(type: 2, body: body.bytes)
    }

    mutating func simplePacket(_ frame: [UInt8], originalLength: Int? = nil) {
        var body = ByteWriter(bigEndian: bigEndian)
        body.u32(UInt32(originalLength ?? frame.count))
        body.append(frame)
        body.padTo4()
        block(type: 3, body: body.bytes)
    }

    /// Any block: statistics, name resolution, custom or unknown types.
    mutating func block(type: UInt32, body: [UInt8]) {
        var writer = ByteWriter(bigEndian: bigEndian)
        let total = UInt32(12 + body.count)
        writer.u32(type)
        writer.u32(total)
        writer.append(body)
        writer.u32(total)
        bytes += writer.bytes
    }

    private func option(_ body: inout ByteWriter, code: UInt16, _ value: [UInt8]) {
        body.u16(code)
        body.u16(UInt16(value.count))
        body.append(value)
        body.padTo4()
    }
}

extension Packet {
    /// Addresses and ports as one line, to compare with expectations.
    var summary: String {
        var text = "\(inputInterface.name) \(source) > \(destination)"
        if let transport { text += " \(transport)" }
        if let sourcePort { text += " \(sourcePort)" }
        if let destinationPort { text += "->\(destinationPort)" }
        return text + " len \(length)"
    }
}
