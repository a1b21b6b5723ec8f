/// A packet's addresses unpacked once, so rules compare integers. Plain bytes (no reference
/// counting): the evaluator passes it down every chain and rule of the per-packet path.
struct PacketFields: Hashable, Sendable, BitwiseCopyable {
    var family: AddressFamily
    var source4: UInt32 = 0
    var destination4: UInt32 = 0
    var source6: UInt128 = 0
    var destination6: UInt128 = 0
    /// How the frame carried the packet; `.untagged` unless a capture or JSON packet says.
    /// Declared after the addresses so that it starts aligned: copied from an odd offset (after
    /// `isTCP`) it cost the evaluator a store-forwarding stall per packet.
    var encapsulation: LinkEncapsulation = .untagged
    var isTCP: Bool

    init(source4: UInt32, destination4: UInt32, isTCP: Bool) {
        family = .ipv4
        self.source4 = source4
        self.destination4 = destination4
        self.isTCP = isTCP
    }

    init(source6: UInt128, destination6: UInt128, isTCP: Bool = false) {
        family = .ipv6
        self.source6 = source6
        self.destination6 = destination6
        self.isTCP = isTCP
    }

    /// The family `meta protocol`/`meta nfproto` see: none while the kernel has the packet
    /// still wrapped (a second tag, PPPoE), so the plain address rules do not reach it.
    var networkFamily: AddressFamily? { encapsulation.isWrappedForHooks ? nil : family }

    /// Borrows the packet: an initializer's argument is otherwise a copy of its own, and a
    /// `Packet` copy retains its interface name once per packet evaluated.
    init(_ packet: borrowing Packet) {
        family = packet.family
        isTCP = packet.transport == .tcp
        encapsulation = packet.encapsulation
        switch (packet.source, packet.destination) {
        case let (.v4(source), .v4(destination)):
            source4 = source.bits
            destination4 = destination.bits
        case let (.v6(source), .v6(destination)):
            source6 = source.bits
            destination6 = destination.bits
        default:
            preconditionFailure("a packet's source and destination share one family")
        }
    }
}

extension PacketFields {
    /// `count` bytes at `offset` of the frame as a link-layer load sees it (the offloaded tag
    /// put back), nil past the headers the model knows. The IP header is rebuilt from the
    /// fields, each at its place in the protocol table; spoofguard's rules read only its
    /// addresses.
    func linkLoad(offset: Int, count: Int) -> [UInt8]? {
        let header = ProtocolHeader(family)
        let frame = encapsulation.linkHeader(for: family, networkLength: Int(header.length)) + networkHeader(header)
        guard offset >= 0, count >= 0, offset + count <= frame.count else { return nil }
        return Array(frame[offset..<(offset + count)])
    }

    /// The packet's IP header without options: version, a hop limit of 64, the transport
    /// (TCP or UDP), the addresses, and a length of the header alone.
    private func networkHeader(_ header: ProtocolHeader) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Int(header.length))
        func put<T: FixedWidthInteger>(_ value: T, _ field: HeaderField) {
            precondition(field.header == header && Int(field.length) == MemoryLayout<T>.size)
            withUnsafeBytes(of: value.bigEndian) { bytes.replaceSubrange(field.range(from: 0), with: $0) }
        }
        let transport = isTCP ? NetworkProtocolNumbers.tcp : NetworkProtocolNumbers.udp
        switch family {
        case .ipv4:
            bytes[0] = 0x45   // version 4, a header of five 32-bit words
            put(UInt16(header.length), .ipv4TotalLength)
            put(UInt8(64), .ipv4TTL)
            put(transport, .ipv4Protocol)
            put(source4, .ipv4Source)
            put(destination4, .ipv4Destination)
        case .ipv6:
            bytes[0] = 0x60   // version 6
            put(transport, .ipv6NextHeader)
            put(UInt8(64), .ipv6HopLimit)
            put(source6, .ipv6Source)
            put(destination6, .ipv6Destination)
        }
        return bytes
    }
}
