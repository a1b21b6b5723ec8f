#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SpoofGuard

@Suite struct IPv6AddressTests {
    @Test(arguments: [
        ("::1", "::1"), ("::", "::"), ("::ffff:127.0.0.1", "::ffff:127.0.0.1"),
        ("::ffff:7f00:1", "::ffff:127.0.0.1"), ("::127.0.0.0", "::127.0.0.0"),
        ("64:ff9b::7f00:0", "64:ff9b::7f00:0"), ("2002:7F00::", "2002:7f00::"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("2001:0db8::0001", "2001:db8::1"),
        ("1:0:0:2:0:0:0:3", "1:0:0:2::3"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"), ("fe80::", "fe80::"),
    ])
    func parsesAndPrintsCanonically(text: String, canonical: String) throws {
        #expect(try IPv6Address(parsing: text).description == canonical)
    }

    @Test(arguments: [
        ("fe80::1%eth0", "zone id"), ("1::2::3", "more than one"), (":1::", "empty group"),
        ("1:2:3:4:5:6:7", "7 groups"), ("1:2:3:4:5:6:7:8:9", "9 groups"), ("12345::", "invalid group"),
        ("::ffff:127.1", "embedded IPv4"), ("g::", "invalid group"), ("1:2:3:4:5:6:7::8", "too many groups"),
        (":::", "empty group"), ("1:", "empty group"),
    ])
    func refusesMalformedText(text: String, fragment: String) {
        #expect {
            try IPv6Address(parsing: text)
        } throws: { error in
            "\(error)".contains(fragment)
        }
    }

    @Test func zoneIdErrorSuggestsTheBareAddress() {
        #expect(throws: AddressParseError(text: "fe80::1%eth0", reason: "has a zone id, which a firewall prefix cannot carry",
                                          suggestion: "fe80::1")) {
            try IPv6Address(parsing: "fe80::1%eth0")
        }
    }

    /// glibc's inet_ntop/inet_pton are what nft uses to print and read addresses: agree with them.
    @Test func agreesWithGlibcOnRandomAddresses() throws {
        var random = SeededGenerator(seed: 6)
        for _ in 0..<20_000 {
            // Mostly-zero groups exercise the "::" choice; some mapped/compatible forms too.
            var groups = (0..<8).map { _ in UInt16.random(in: 0...3, using: &random) == 0 ? UInt16.random(in: 0 ... .max, using: &random) : 0 }
            if Bool.random(using: &random) { groups[5] = [0, 0xffff].randomElement(using: &random)! }
            let address = IPv6Address(bits: groups.reduce(0) { $0 << 16 | UInt128($1) })
            let bytes = address.bytes
            var buffer = [CChar](repeating: 0, count: 64)
            let printed: String = bytes.withUnsafeBytes { raw in
                buffer.withUnsafeMutableBufferPointer { out in
                    String(cString: inet_ntop(AF_INET6, raw.baseAddress, out.baseAddress, 64)!)
                }
            }
            #expect(address.description == printed, "groups \(groups)")
            #expect(try IPv6Address(parsing: printed) == address)
        }
    }

    @Test func roundTripsBytes() {
        let address = try! IPv6Address(parsing: "2001:db8::ff00:42:8329")
        #expect(IPv6Address(bytes: address.bytes) == address)
        #expect(address.bytes.count == 16)
        #expect(address.bytes[0] == 0x20 && address.bytes[15] == 0x29)
    }
}
