import Testing
@testable import SpoofGuard

/// The element record's file format: what spoofguard writes reads back exactly, and anything it
/// cannot have written for this boot, namespace and table is refused with the reason.
@Suite struct ElementRecordTests {
    static let owner = ElementRecord.Owner(bootID: "0f8c7a5e-6c1b-4d53-9a1e-2b7c0d9e4f11", namespaceCookie: 4097, table: "spoofguard")
    static let record = ElementRecord(generation: 1234, digests: [
        SetPath(family: .inet, table: "spoofguard", set: "source_ipv4"): [1] + Array(0..<16),
        SetPath(family: .netdev, table: "spoofguard", set: "source_ipv6"): [1] + Array(repeating: 0xff, count: 16),
        SetPath(family: .inet, table: "spoofguard", set: "external_interfaces"): [1] + Array(100..<116),
    ])

    static func text(_ record: ElementRecord = record, for owner: ElementRecord.Owner = owner) -> String {
        String(decoding: record.encoded(for: owner), as: UTF8.self)
    }

    func rejection(_ text: String, for owner: ElementRecord.Owner = owner) -> ElementRecord.Rejection? {
        do {
            _ = try ElementRecord(decoding: Array(text.utf8), for: owner)
            return nil
        } catch {
            return error
        }
    }

    @Test func encodesLinesInAFixedOrderAndDecodesExactly() throws {
        #expect(Self.text() == """
            spoofguard element record 2
            boot 0f8c7a5e-6c1b-4d53-9a1e-2b7c0d9e4f11
            netns-cookie 4097
            table spoofguard
            generation 1234
            policy none
            set inet external_interfaces 016465666768696a6b6c6d6e6f70717273
            set inet source_ipv4 01000102030405060708090a0b0c0d0e0f
            set netdev source_ipv6 01ffffffffffffffffffffffffffffffff
            end 3

            """)
        #expect(try ElementRecord(decoding: Array(Self.text().utf8), for: Self.owner) == Self.record)
    }

    @Test func oddNamesRoundTripAsOneToken() throws {
        let owner = ElementRecord.Owner(bootID: Self.owner.bootID, namespaceCookie: .max, table: "a b\nc%")
        let record = ElementRecord(generation: .max, digests: [
            SetPath(family: .bridge, table: owner.table, set: "set with spaces/ünïcode"): [1] + Array(repeating: 7, count: 16),
        ])
        let text = Self.text(record, for: owner)
        #expect(text.split(separator: "\n").allSatisfy { $0.split(separator: " ").count <= 4 })
        #expect(text.contains("table a%20b%0Ac%25\n"))
        #expect(try ElementRecord(decoding: Array(text.utf8), for: owner) == record)
    }

    @Test func anEmptyRecordIsValid() throws {
        let empty = ElementRecord(generation: 0, digests: [:])
        #expect(try ElementRecord(decoding: empty.encoded(for: Self.owner), for: Self.owner) == empty)
    }

    /// Sets of another table are not the owner's: they are left out, not written under its name.
    @Test func onlyTheOwnersTableIsWritten() {
        var record = Self.record
        record.digests[SetPath(family: .inet, table: "other", set: "x")] = [1] + Array(repeating: 0, count: 16)
        #expect(Self.text(record) == Self.text())
    }

    @Test func anotherBootIsStaleNotMalformed() {
        let other = ElementRecord.Owner(bootID: "11111111-2222-3333-4444-555555555555", namespaceCookie: 4097, table: "spoofguard")
        #expect(rejection(Self.text(), for: other)?.kind == .stale)
    }

    @Test func anotherNamespaceOrTableIsMalformed() {
        var cookie = Self.owner
        cookie.namespaceCookie = 4098
        #expect(rejection(Self.text(), for: cookie) == .init(kind: .malformed, reason: "records namespace cookie 4097, not this namespace's 4098"))
        var table = Self.owner
        table.table = "other"
        #expect(rejection(Self.text(), for: table)?.kind == .malformed)
    }

    /// Every cut of a valid record, at every byte, is refused (the trailer counts the sets and
    /// the file must end in a newline after it).
    @Test func everyTruncationIsRefused() {
        let bytes = Array(Self.text().utf8)
        for length in 0..<bytes.count {
            let cut = String(decoding: bytes[..<length], as: UTF8.self)
            #expect(rejection(cut)?.kind == .malformed, "cut at \(length)")
        }
    }

    @Test(arguments: [
        ("", "truncated"),
        ("garbage\n", "line 1: not a spoofguard element record"),
        ("spoofguard element record 3\n", "line 1: not a spoofguard element record"),
        ("spoofguard element record 02\n", "line 1: not a spoofguard element record"),
        (ElementRecordTests.text().replacing("generation 1234", with: "generation 01234"), "line 5: not a generation"),
        (ElementRecordTests.text().replacing("generation 1234", with: "generation 4294967296"), "line 5: not a generation"),
        (ElementRecordTests.text().replacing("generation 1234", with: "generation -1"), "line 5: not a generation"),
        (ElementRecordTests.text().replacing("netns-cookie 4097", with: "netns-cookie x"), "line 3: not a namespace cookie"),
        (ElementRecordTests.text().replacing("boot 0f8c", with: "boot 0F8C"), "line 2: not a boot id"),
        (ElementRecordTests.text().replacing("end 3", with: "end 2"), "line 10: truncated"),
        (ElementRecordTests.text().replacing("end 3\n", with: "end 3\nset inet x 01\n"), "line 11: text after the trailer"),
        (ElementRecordTests.text().replacing("01000102", with: "0100010"), "line 8: expected `set FAMILY NAME DIGEST`"),
        (ElementRecordTests.text().replacing("01000102", with: "01000102ff"), "line 8: expected `set FAMILY NAME DIGEST`"),
        (ElementRecordTests.text().replacing("01000102", with: "01000A02"), "line 8: expected `set FAMILY NAME DIGEST`"),
        (ElementRecordTests.text().replacing("set inet source_ipv4", with: "set inet external_interfaces"), "line 8: set inet spoofguard external_interfaces twice"),
        (ElementRecordTests.text().replacing("set inet source_ipv4", with: "set ip4 source_ipv4"), "line 8: expected `set FAMILY NAME DIGEST`"),
        (ElementRecordTests.text().replacing("set inet source_ipv4", with: "set inet source%5Fipv4"), "line 8: expected `set FAMILY NAME DIGEST`"),
        (ElementRecordTests.text().replacing("\n", with: "\r\n"), "line 1: not a spoofguard element record"),
        (String(ElementRecordTests.text().dropLast()), "truncated: no final newline"),
        (ElementRecordTests.text().replacing("policy none\n", with: ""), "line 6: expected `policy …`"),
        (ElementRecordTests.text().replacing("policy none", with: "policy"), "line 6: expected `policy …`"),
        (ElementRecordTests.text().replacing("policy none", with: "policy nothing"), "line 6: expected `policy none` or"),
    ])
    func malformedRecordsAreRefusedWithTheReason(text: String, reason: String) {
        let refused = rejection(text)
        #expect(refused?.kind == .malformed)
        #expect(refused?.reason.hasPrefix(reason) == true, "\(String(describing: refused?.reason))")
    }

    /// A record of an earlier format (version 1 had no policy line) is stale: silently unused.
    @Test func anEarlierVersionIsStaleNotMalformed() {
        let version1 = Self.text().replacing("element record 2", with: "element record 1").replacing("policy none\n", with: "")
        #expect(rejection(version1) == .init(kind: .stale, reason: "an element record of version 1"))
    }

    static let proof = PolicyProof(policyDigest: Array(0..<32), buildID: Array(200..<220), loadedDigest: Array(repeating: 0xab, count: 32),
                                   families: [.inet, .netdev], rules: 12, elements: 100_007)

    @Test func thePolicyProofRoundTrips() throws {
        var record = Self.record
        record.policy = Self.proof
        let text = Self.text(record)
        #expect(text.contains("\npolicy 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadb "
                              + String(repeating: "ab", count: 32) + " 12 100007 inet,netdev\n"))
        #expect(try ElementRecord(decoding: Array(text.utf8), for: Self.owner) == record)
        var oneByteID = record
        oneByteID.policy?.buildID = [7]
        #expect(try ElementRecord(decoding: oneByteID.encoded(for: Self.owner), for: Self.owner) == oneByteID)
    }

    /// Every field of the policy line is checked: lengths, hex, canonical decimals, families.
    @Test(arguments: [
        ("policy 00 c8c9", "a 1-byte policy digest"),
        ("policy 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00", "a 33-byte policy digest"),
        ("c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadb ab", "a build-id with upper-case hex"),
        ("c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadb ", "an empty build-id"),
        (" 12 100007", " 012 100007"),
        (" 12 100007", " 12 -1"),
        ("inet,netdev", "inet,ip4"),
        ("inet,netdev", "inet,"),
        ("inet,netdev", ""),
        ("inet,netdev", "inet,netdev extra"),
    ])
    func malformedPolicyProofsAreRefused(replacing: String, with: String) {
        var record = Self.record
        record.policy = Self.proof
        var text = Self.text(record)
        switch with {
        case "a 1-byte policy digest": text = text.replacing(#/policy [0-9a-f]+/#, with: "policy 00")
        case "a 33-byte policy digest": text = text.replacing(#/policy [0-9a-f]+/#, with: "policy " + String(repeating: "00", count: 33))
        case "a build-id with upper-case hex": text = text.replacing("c8c9cacbcc", with: "C8C9CACBCC")
        case "an empty build-id": text = text.replacing("c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadb ", with: " ")
        default: text = text.replacing(replacing, with: with)
        }
        let refused = rejection(text)
        #expect(refused?.kind == .malformed, "\(with)")
        #expect(refused?.reason.hasPrefix("line 6: expected `policy none` or") == true, "\(with): \(String(describing: refused?.reason))")
    }

    @Test func invalidUTF8IsRefused() {
        var bytes = Array(Self.text().utf8)
        bytes[bytes.count - 3] = 0xff
        #expect(throws: ElementRecord.Rejection.self) { try ElementRecord(decoding: bytes, for: Self.owner) }
    }

    @Test func percentEncodingIsOneToOne() {
        for name in ["spoofguard", "a.b", "a_b", "a%2Eb", "%", "", "ü", "../x\n"] {
            #expect(PercentEncoding.decode(Substring(PercentEncoding.encode(name))) == name)
        }
        #expect(PercentEncoding.decode("a%2eb") == nil)  // lower-case hex is not encode's
        #expect(PercentEncoding.decode("a%5Fb") == nil)  // `_` is never escaped
        #expect(PercentEncoding.decode("a%2") == nil)
        #expect(PercentEncoding.decode("a b") == nil)
        #expect(PercentEncoding.decode("%FF") == nil)    // not UTF-8
    }
}
