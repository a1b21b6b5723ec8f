import Testing
@testable import SpoofGuard

/// The frame a link-layer load reads (`PacketFields.linkLoad`), its IP header now rebuilt
/// field by field from the protocol table, against the literal bytes it was written as
/// before: byte for byte the same, for every encapsulation, family and transport.
@Suite struct PacketFieldsLinkLoadTests {
    /// The frame as it was spelt out before the table: a 20-byte IPv4 header (total length
    /// 20, TTL 64) or a 40-byte IPv6 header (hop limit 64) behind the link header.
    static func literalFrame(_ fields: PacketFields) -> [UInt8] {
        var frame = fields.encapsulation.linkHeader(for: fields.family, networkLength: fields.family == .ipv4 ? 20 : 40)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.bigEndian) { frame += $0 } }
        switch fields.family {
        case .ipv4:
            frame += [0x45, 0, 0, 20, 0, 0, 0, 0, 64, fields.isTCP ? 6 : 17, 0, 0]
            append(fields.source4)
            append(fields.destination4)
        case .ipv6:
            frame += [0x60, 0, 0, 0, 0, 0, fields.isTCP ? 6 : 17, 64]
            append(fields.source6)
            append(fields.destination6)
        }
        return frame
    }

    @Test func rebuiltFramesAreTheLiteralOnes() {
        var generator = SeededGenerator(seed: 18)
        func u128() -> UInt128 {
            UInt128(UInt64.random(in: 0...UInt64.max, using: &generator)) << 64 | UInt128(UInt64.random(in: 0...UInt64.max, using: &generator))
        }
        let encapsulations = [LinkEncapsulation.untagged, LinkEncapsulation(tags: [.init(.vlan8021Q, tci: 7)])] + LinkEncapsulation.guarded
        for encapsulation in encapsulations {
            for round in 0..<300 {
                let isTCP = Bool.random(using: &generator)
                var fields = round % 2 == 0
                    ? PacketFields(source4: .random(in: 0...UInt32.max, using: &generator), destination4: .random(in: 0...UInt32.max, using: &generator), isTCP: isTCP)
                    : PacketFields(source6: u128(), destination6: u128(), isTCP: isTCP)
                fields.encapsulation = encapsulation
                let frame = Self.literalFrame(fields)
                #expect(fields.linkLoad(offset: 0, count: frame.count) == frame, "\(encapsulation) \(fields.family)")
                #expect(fields.linkLoad(offset: 0, count: frame.count + 1) == nil)
                #expect(fields.linkLoad(offset: -1, count: 1) == nil)
                let offset = Int.random(in: 0..<frame.count, using: &generator)
                let count = Int.random(in: 0...(frame.count - offset), using: &generator)
                #expect(fields.linkLoad(offset: offset, count: count) == Array(frame[offset..<(offset + count)]))
            }
        }
    }
}
