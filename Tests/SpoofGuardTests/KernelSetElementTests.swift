import Testing
@testable import SpoofGuard

@Suite struct KernelSetElementTests {
    func end(_ key: [UInt8]) -> KernelSetElement { KernelSetElement(key: key, isIntervalEnd: true) }
    func start(_ key: [UInt8]) -> KernelSetElement { KernelSetElement(key: key) }
    func ifname(_ text: String, last: UInt8 = 0) -> [UInt8] {
        var bytes = Array(text.utf8) + [UInt8](repeating: 0, count: 16 - text.utf8.count)
        bytes[15] = last
        return bytes
    }

    /// `elements = { 10.0.0.1, 127.0.0.0/8 }` as nft sent it.
    @Test func ipv4IntervalsLikeNft() throws {
        let set = IPv4Set([try IPv4Prefix(parsing: "127.0.0.0/8"), try IPv4Prefix(parsing: "10.0.0.1")])
        let encoded = try SetElementEncoding.encode(.ipv4(set))
        #expect(encoded == [end([0, 0, 0, 0]), start([10, 0, 0, 1]), end([10, 0, 0, 2]), start([127, 0, 0, 0]), end([128, 0, 0, 0])])
        // Dumps come in descending order.
        #expect(try SetElementEncoding.decode(encoded.reversed(), key: .ipv4Address) == .ipv4(set))
    }

    @Test func rangeFromZeroAndToTopHaveNoExtraElements() throws {
        let set = IPv4Set(ranges: [0...0xff, 0xffff_ff00...0xffff_ffff])
        let encoded = try SetElementEncoding.encode(.ipv4(set))
        #expect(encoded == [start([0, 0, 0, 0]), end([0, 0, 1, 0]), start([255, 255, 255, 0])])
        #expect(try SetElementEncoding.decode(encoded, key: .ipv4Address) == .ipv4(set))
    }

    @Test func ipv6Loopbacks() throws {
        let prefixes = ["::1", "::127.0.0.0/104", "::ffff:127.0.0.0/104", "2002:7f00::/24"]
        let set = IPv6Set(try prefixes.map { try IPv6Prefix(parsing: $0) })
        let encoded = try SetElementEncoding.encode(.ipv6(set))
        #expect(encoded.count == 9)
        #expect(encoded[1] == start(IPv6Address.loopback.bytes))
        #expect(encoded[2] == end(IPv6Address(bits: 2).bytes))
        #expect(try SetElementEncoding.decode(encoded.reversed(), key: .ipv6Address) == .ipv6(set))
    }

    /// `elements = { "eth0", "ppp*", "wan*" }` as nft sent it.
    @Test func interfaceNamesAndWildcardsLikeNft() throws {
        let patterns = try ["wan*", "eth0", "ppp*"].map { try InterfacePattern(parsing: $0) }
        let encoded = try SetElementEncoding.encode(.interfaces(patterns))
        #expect(encoded == [
            end(ifname("")), start(ifname("eth0")), end(ifname("eth0", last: 1)),
            start(ifname("ppp")), end(ifname("ppq")), start(ifname("wan")), end(ifname("wao")),
        ])
        #expect(try SetElementEncoding.decode(encoded.reversed(), key: .interfaceName) == .interfaces(patterns.sorted()))
    }

    @Test func emptySetHasNoElements() throws {
        #expect(try SetElementEncoding.encode(.ipv4(IPv4Set())).isEmpty)
        #expect(try SetElementEncoding.decode([], key: .interfaceName) == .interfaces([]))
    }

    @Test func refusesMalformedDumps() {
        #expect(throws: DelinearizeError.self) { try SetElementEncoding.decode([start([1, 2, 3])], key: .ipv4Address) }
        #expect(throws: DelinearizeError.self) {
            try SetElementEncoding.decode([start(ifname("eth")), end(ifname("ethz"))], key: .interfaceName)
        }
        // An exact name with a literal "*" (nft `"wan\*"`) is not the wildcard `wan*`.
        #expect(throws: DelinearizeError.self) {
            try SetElementEncoding.decode([start(ifname("wan*")), end(ifname("wan*", last: 1))], key: .interfaceName)
        }
    }

    @Test func plainSetsHoldKeys() throws {
        let patterns = try ["lo", "eth0"].map { try InterfacePattern(parsing: $0) }
        let encoded = try SetElementEncoding.encode(.interfaces(patterns), interval: false)
        #expect(encoded == [start(ifname("eth0")), start(ifname("lo"))])
        #expect(try SetElementEncoding.decode(encoded.reversed(), key: .interfaceName, interval: false) == .interfaces(patterns.sorted()))
        #expect(throws: LinearizeError.self) {
            try SetElementEncoding.encode(.interfaces([try InterfacePattern(parsing: "ppp*")]), interval: false)
        }
        #expect(throws: LinearizeError.self) {
            try SetElementEncoding.encode(.ipv4(IPv4Set([try IPv4Prefix(parsing: "10.0.0.0/8")])), interval: false)
        }
    }

    @Test func userData() {
        let data = UserData.set(key: .interfaceName, comment: "guarded")
        #expect(Array(data.prefix(6)) == [0, 4, 1, 0, 0, 0])
        #expect(UserData.setKeyByteOrder(in: data) == 1)
        #expect(UserData.setComment(in: data) == "guarded")
        let rule = UserData.comment("guard.source ipv4")
        #expect(rule == [0, 18] + Array("guard.source ipv4".utf8) + [0])
        #expect(UserData.comment(in: rule) == "guard.source ipv4")
    }
}
