import Testing
@testable import SpoofGuard

@Suite struct IPv4AddressTests {
    @Test(arguments: [
        ("127.0.0.1", UInt32(0x7f00_0001)), ("0.0.0.0", 0), ("255.255.255.255", .max), ("10.0.0.10", 0x0a00_000a),
    ])
    func parsesDottedQuads(text: String, bits: UInt32) throws {
        let address = try IPv4Address(parsing: text)
        #expect(address.bits == bits)
        #expect(address.description == text)
    }

    @Test(arguments: [
        ("127.1", "write all four octets"),
        ("0177.0.0.1", "leading zero"),
        ("127.0.0.01", "leading zero"),
        ("256.0.0.1", "greater than 255"),
        ("1.2.3.4.5", "write all four octets"),
        ("1.2.3.", "decimal numbers"),
        (" 1.2.3.4", "decimal numbers"),
        ("1.2.3.+4", "decimal numbers"),
        ("0x7f.0.0.1", "decimal numbers"),
        ("localhost", "not an IPv4 address"),
        ("", "not an IPv4 address"),
    ])
    func refusesAmbiguousForms(text: String, fragment: String) {
        #expect {
            try IPv4Address(parsing: text)
        } throws: { error in
            "\(error)".contains(fragment)
        }
    }

    @Test func roundTripsBytes() throws {
        var random = SeededGenerator(seed: 4)
        for _ in 0..<1000 {
            let address = IPv4Address(bits: UInt32.random(in: .min ... .max, using: &random))
            #expect(IPv4Address(bytes: address.bytes) == address)
            #expect(try IPv4Address(parsing: address.description) == address)
        }
    }
}
