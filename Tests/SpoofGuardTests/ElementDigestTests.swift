import Testing
@testable import SpoofGuard

@Suite struct ElementDigestTests {
    func elements(_ prefixes: [String]) throws -> [KernelSetElement] {
        try SetElementEncoding.encode(.ipv4(IPv4Set(prefixes.map { try IPv4Prefix(parsing: $0) })))
    }

    @Test func storedFormIsVersionThenSixteenBytes() throws {
        let digest = ElementDigest.of(try elements(["127.0.0.0/8"]), key: .ipv4Address, flags: [.constant, .interval])
        #expect(digest.count == ElementDigest.storedLength)
        #expect(digest[0] == ElementDigest.version)
        #expect(digest == ElementDigest.of(try elements(["127.0.0.0/8"]), key: .ipv4Address, flags: [.constant, .interval]))
    }

    /// Seeded random sets: every one-prefix change, flag change and key change changes the digest.
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func anyDifferenceChangesTheDigest(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        var prefixes = Set<String>()
        while prefixes.count < 200 {
            prefixes.insert("\(Int.random(in: 1...223, using: &generator)).\(Int.random(in: 0...255, using: &generator)).\(Int.random(in: 0...255, using: &generator)).0/24")
        }
        let list = prefixes.sorted()
        let base = ElementDigest.of(try elements(list), key: .ipv4Address, flags: [.constant, .interval])
        var seen: Set<[UInt8]> = [base]
        for index in stride(from: 0, to: list.count, by: 7) {
            var fewer = list
            fewer.remove(at: index)
            #expect(seen.insert(ElementDigest.of(try elements(fewer), key: .ipv4Address, flags: [.constant, .interval])).inserted)
        }
        let encoded = try elements(list)
        #expect(seen.insert(ElementDigest.of(encoded, key: .ipv4Address, flags: [.interval])).inserted)
        #expect(seen.insert(ElementDigest.of(encoded, key: .ipv6Address, flags: [.constant, .interval])).inserted)
        var flipped = encoded
        flipped[flipped.count / 2].isIntervalEnd.toggle()
        #expect(seen.insert(ElementDigest.of(flipped, key: .ipv4Address, flags: [.constant, .interval])).inserted)
        var shifted = encoded
        shifted[0].key[3] ^= 1
        #expect(seen.insert(ElementDigest.of(shifted, key: .ipv4Address, flags: [.constant, .interval])).inserted)
    }

    /// `apply` digests the packed elements; any other reader digests element arrays.
    @Test func packedElementsHaveTheSameDigest() throws {
        let sets: [SetElements] = [
            .ipv4(IPv4Set(try ["0.0.0.0/8", "127.0.0.0/8", "240.0.0.0/4"].map { try IPv4Prefix(parsing: $0) })),
            .ipv6(IPv6Set(try ["::1/128", "2002:7f00::/24"].map { try IPv6Prefix(parsing: $0) })),
            .interfaces(try ["eth0", "wan*"].map { try InterfacePattern(parsing: $0) }),
            .ipv4(IPv4Set()),
        ]
        for elements in sets {
            let packed = try SetElementEncoding.packed(elements)
            #expect(packed.elements == (try SetElementEncoding.encode(elements)))
            #expect(ElementDigest.of(packed, key: elements.key, flags: [.constant, .interval])
                        == ElementDigest.of(packed.elements, key: elements.key, flags: [.constant, .interval]))
        }
    }

    @Test func userDataCarriesTheDigestAfterNftsRecords() throws {
        let digest = ElementDigest.of(try elements(["127.0.0.0/8"]), key: .ipv4Address, flags: [.interval])
        let plain = UserData.set(key: .ipv4Address, comment: "guarded")
        let data = UserData.set(key: .ipv4Address, comment: "guarded", elementDigest: digest)
        #expect(Array(data.prefix(plain.count)) == plain)
        #expect(UserData.setElementDigest(in: data) == digest)
        #expect(UserData.setElementDigest(in: plain) == nil)
        #expect(UserData.withoutElementDigest(data) == plain)
        #expect(UserData.setComment(in: data) == "guarded")
    }
}
