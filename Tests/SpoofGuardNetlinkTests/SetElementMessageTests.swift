import SpoofGuard
@testable import SpoofGuardNetlink
import Testing

/// The NEWSETELEM messages of a transaction are built from packed elements on two reused
/// libnftnl element objects; they must be byte for byte what libnftnl writes for a set object
/// holding one element object per element (how the transaction built them before).
@Suite struct SetElementMessageTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var elements: SetElements
        var interval = true
        var testDescription: String { name }
    }

    static func ipv4(_ prefixes: [String]) -> SetElements {
        .ipv4(IPv4Set(prefixes.map { try! IPv4Prefix(parsing: $0) }))
    }

    static func ipv6(_ prefixes: [String]) -> SetElements {
        .ipv6(IPv6Set(prefixes.map { try! IPv6Prefix(parsing: $0) }))
    }

    /// Non-adjacent /24s from 11.0.0.0, so that none merge.
    static let manyIPv4 = ipv4((0..<3000).map { index in
        let network = 0x0b00_0000 + index * 512
        return "\(network >> 24).\((network >> 16) & 255).\((network >> 8) & 255).0/24"
    })

    static let cases: [Case] = [
        Case(name: "ipv4 from zero", elements: ipv4(["0.0.0.0/8", "127.0.0.0/8"])),
        Case(name: "ipv4 to the top", elements: ipv4(["10.0.0.0/8", "240.0.0.0/4"])),
        Case(name: "ipv4, 3000 ranges", elements: manyIPv4),
        Case(name: "ipv6", elements: ipv6(["::1/128", "::ffff:127.0.0.0/104", "2002:7f00::/24", "ff00::/8"])),
        Case(name: "interfaces", elements: .interfaces(["eth0", "wan*", "ppp0", "br-lan"].map { try! InterfacePattern(parsing: $0) })),
        Case(name: "plain interface keys", elements: .interfaces(["eth0", "eth1"].map { try! InterfacePattern(parsing: $0) }), interval: false),
        Case(name: "plain ipv6 keys", elements: ipv6(["::1/128", "2001:db8::1/128"]), interval: false),
    ]

    @Test(arguments: cases)
    func packedElementsAreWhatLibnftnlWrites(_ test: Case) throws {
        let packed = try SetElementEncoding.packed(test.elements, interval: test.interval)
        #expect(packed.elements == (try SetElementEncoding.encode(test.elements, interval: test.interval)))
        // Chunks as the transaction cuts them, and one that starts inside the list.
        var ranges: [Range<Int>] = stride(from: 0, to: packed.count, by: 1024).map { $0..<min($0 + 1024, packed.count) }
        if packed.count > 3 { ranges.append(1..<packed.count - 1) }
        for range in ranges {
            for id in [nil, 3] as [UInt32?] {
                let identity = NftSet(family: .inet, table: "spoofguard", name: "source_ipv4", id: id)
                let reference = NftSet(family: .inet, table: "spoofguard", name: "source_ipv4", id: id)
                for index in range { reference.add(packed[index]) }
                let ours = MessageBuffer(), theirs = MessageBuffer()
                ours.append(.newSetElement, family: .inet, flags: 0, seq: 7) { identity.buildElements($0, packed, range) }
                theirs.append(.newSetElement, family: .inet, flags: 0, seq: 7, payload: reference.buildElements)
                let difference = zip(ours.bytes, theirs.bytes).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                    ?? (ours.length == theirs.length ? nil : min(ours.length, theirs.length))
                #expect(difference == nil, "\(test.name), elements \(range), set id \(id.map(String.init) ?? "none"): first different byte")
            }
        }
    }
}
