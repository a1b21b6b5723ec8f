/// A packet's addresses unpacked once, so rules compare integers.
struct PacketFields: Hashable, Sendable {
    var family: AddressFamily
    var source4: UInt32 = 0
    var destination4: UInt32 = 0
    var source6: UInt128 = 0
    var destination6: UInt128 = 0
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

    /// How the frame carried the packet; `.untagged` unless a capture or JSON packet says.
    var encapsulation: LinkEncapsulation = .untagged

    /// The family `meta protocol`/`meta nfproto` see: none while the kernel has the packet
    /// still wrapped (a second tag, PPPoE), so the plain address rules do not reach it.
    var networkFamily: AddressFamily? { encapsulation.isWrappedForHooks ? nil : family }

    init(_ packet: Packet) {
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
    /// fields; spoofguard's rules read only its addresses.
    func linkLoad(offset: Int, count: Int) -> [UInt8]? {
        var frame = encapsulation.linkHeader(for: family, networkLength: family == .ipv4 ? 20 : 40)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.bigEndian) { frame += $0 } }
        switch family {
        case .ipv4:
            frame += [0x45, 0, 0, 20, 0, 0, 0, 0, 64, isTCP ? 6 : 17, 0, 0]
            append(source4)
            append(destination4)
        case .ipv6:
            frame += [0x60, 0, 0, 0, 0, 0, isTCP ? 6 : 17, 64]
            append(source6)
            append(destination6)
        }
        guard offset >= 0, count >= 0, offset + count <= frame.count else { return nil }
        return Array(frame[offset..<(offset + count)])
    }
}
