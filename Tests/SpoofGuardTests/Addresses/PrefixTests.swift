import Testing
@testable import SpoofGuard

@Suite struct PrefixTests {
    @Test func parsesNetworkAndLength() throws {
        let prefix = try IPv4Prefix(parsing: "127.0.0.0/8")
        #expect(prefix.network == IPv4Address(127, 0, 0, 0))
        #expect(prefix.length == 8)
        #expect(prefix.contains(IPv4Address(127, 255, 0, 1)))
        #expect(!prefix.contains(IPv4Address(128, 0, 0, 0)))
        #expect(prefix.last == IPv4Address(127, 255, 255, 255))
    }

    @Test func hostBitsSuggestTheNetwork() {
        #expect(throws: AddressParseError(text: "127.0.0.1/8", reason: "has host bits set", suggestion: "127.0.0.0/8")) {
            try IPv4Prefix(parsing: "127.0.0.1/8")
        }
        #expect {
            try IPv6Prefix(parsing: "::ffff:127.0.0.1/104")
        } throws: { error in
            "\(error)" == #""::ffff:127.0.0.1/104" has host bits set; did you mean "::ffff:127.0.0.0/104"?"#
        }
    }

    @Test(arguments: ["127.0.0.0/33", "127.0.0.0/-1", "127.0.0.0/", "127.0.0.0/08", "127.0.0.0/8/8", "::/129", "::/+1"])
    func refusesBadLengths(text: String) {
        #expect(throws: AddressParseError.self) { try IPPrefix(parsing: text) }
    }

    @Test func bareAddressIsAHostPrefix() throws {
        #expect(try IPPrefix(parsing: "::1") == .v6(IPv6Prefix(host: .loopback)))
        #expect(try IPv4Prefix(parsing: "10.1.2.3").length == 32)
    }

    @Test func zeroLengthCoversEverything() throws {
        let all = try IPv6Prefix(parsing: "::/0")
        #expect(all.range == 0...UInt128.max)
        #expect(IPv6Prefix(exactly: 0...UInt128.max) == all)
    }

    @Test func exactRangesAreRecognised() throws {
        #expect(IPv4Prefix(exactly: 0x7f00_0000...0x7fff_ffff) == (try IPv4Prefix(parsing: "127.0.0.0/8")))
        #expect(IPv4Prefix(exactly: 5...5)?.length == 32)
        #expect(IPv4Prefix(exactly: 0x7f00_0000...0x7fff_fffe) == nil)
        #expect(IPv4Prefix(exactly: 1...2) == nil)
    }
}
