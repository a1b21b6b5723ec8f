import Testing
@testable import SpoofGuard

/// The byte-level parsers (`init(utf8:)`) must accept and refuse exactly what the String
/// parsers (`init(parsing:)`) do, with equal values and equal errors.
@Suite struct AddressUTF8ParsingTests {
    /// Both outcomes of one parser, comparable.
    enum Outcome<Value: Equatable>: Equatable {
        case value(Value)
        case error(AddressParseError)
    }

    static func outcome<Value>(_ parse: () throws(AddressParseError) -> Value) -> Outcome<Value> {
        do { return .value(try parse()) } catch { return .error(error) }
    }

    static func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// Every parser pair agrees on `text`; returns a description of the first disagreement.
    static func disagreement(_ text: String) -> String? {
        func compare<Value: Equatable>(_ name: String, _ string: Outcome<Value>, _ bytes: Outcome<Value>) -> String? {
            string == bytes ? nil : "\(name) \(text.debugDescription): String \(string), UTF-8 \(bytes)"
        }
        return compare("IPPrefix", outcome { () throws(AddressParseError) in try IPPrefix(parsing: text) },
                       withUTF8(text) { bytes in outcome { () throws(AddressParseError) in try IPPrefix(utf8: bytes) } })
            ?? compare("IPv4Prefix", outcome { () throws(AddressParseError) in try IPv4Prefix(parsing: text) },
                       withUTF8(text) { bytes in outcome { () throws(AddressParseError) in try IPv4Prefix(utf8: bytes) } })
            ?? compare("IPv6Prefix", outcome { () throws(AddressParseError) in try IPv6Prefix(parsing: text) },
                       withUTF8(text) { bytes in outcome { () throws(AddressParseError) in try IPv6Prefix(utf8: bytes) } })
            ?? compare("IPv4Address", outcome { () throws(AddressParseError) in try IPv4Address(parsing: text) },
                       withUTF8(text) { bytes in outcome { () throws(AddressParseError) in try IPv4Address(utf8: bytes) } })
            ?? compare("IPv6Address", outcome { () throws(AddressParseError) in try IPv6Address(parsing: text) },
                       withUTF8(text) { bytes in outcome { () throws(AddressParseError) in try IPv6Address(utf8: bytes) } })
    }

    static let adversarial = [
        "", ".", ":", "::", ":::", "::::", "/", "//", "%", "127.0.0.1", "127.0.0.0/8", "127.0.0.1/8", "127.1",
        "0177.0.0.1", "127.0.0.01", "256.0.0.0", "1234.0.0.0", "1.2.3.4.5", "1..2.3", "1.2.3.", ".1.2.3",
        "127.0.0.0/08", "127.0.0.0/33", "127.0.0.0/", "127.0.0.0/-1", "127.0.0.0/+1", "127.0.0.0/8/8",
        "127.0.0.0/99999999999999999999999", "::1", "::1/128", "::/0", "::/129", "::/+1", "fe80::1%eth0",
        "fe80::1%", "%::", "::ffff:127.0.0.1", "::ffff:127.0.0.0/104", "::ffff:127.0.0.1/104", "1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7::", "::1:2:3:4:5:6:7", "1::2::3", "1:::2",
        "12345::", "g::", "::g", "1.2.3.4::", "::1.2.3.4", "::1.2.3", "::1.2.3.04", "::256.1.1.1",
        "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:5", ":1::", "1::2:", "1:", ":1", "+1::",
        "-1::", "0x1::", "FFFF::", "ffff::/16", "ffff::1/16", "1.2.3.4/:", ":/1.2.3.4", "2001:db8::/32",
        "2001:0db8:0000::/48", "00000::", "１２７.0.0.1", "127.\u{301}0.0.1", "127\u{301}.0.0.1", "::\u{301}1",
        ":\u{301}:1", "127.0.0.0/\u{301}8", "127.0.0.0\u{301}/8", "é", "\r\n", "1.2.3.4\r\n", "1.2.3.4 ",
        " 1.2.3.4", "::1\u{0}", "\u{7F}", "1.2.3.4%eth0", "::ffff:1.2.3.4%x/96",
    ]

    @Test func adversarialInputsAgree() {
        for text in Self.adversarial {
            #expect(Self.disagreement(text) == nil)
        }
    }

    /// Characters addresses are made of, separators in excess, and a few that are never valid.
    static let alphabet: [String] = Array("0123456789abcdefABCDEF.:/%").map(String.init)
        + [".", ":", ":", "/", "0", "1", "25", "255", "::", "g", "x", "-", "+", " ", "é", "\u{301}", "１", "\r\n", "\u{7F}"]

    @Test func randomTextAgrees() {
        var generator = SeededGenerator(seed: 0x5EED_0DD5)
        var failures: [String] = []
        for _ in 0..<40_000 {
            let length = Int.random(in: 0...20, using: &generator)
            let text = (0..<length).map { _ in Self.alphabet.randomElement(using: &generator)! }.joined()
            if let failure = Self.disagreement(text) { failures.append(failure) }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    /// Valid prefixes of both families, then one to three random edits of each: the interesting
    /// inputs are near-misses of real addresses.
    @Test func mutatedValidPrefixesAgree() {
        var generator = SeededGenerator(seed: 1_000_003)
        var failures: [String] = []
        for round in 0..<20_000 {
            var text: [String]
            if round % 2 == 0 {
                let length = Int.random(in: 0...32, using: &generator)
                let bits = UInt32.random(in: .min ... .max, using: &generator) & IPv4Prefix.mask(length)
                text = IPv4Prefix(network: IPv4Address(bits: bits), length: length)!.description.map(String.init)
            } else {
                let length = Int.random(in: 0...128, using: &generator)
                var bits = UInt128(UInt64.random(in: .min ... .max, using: &generator)) << 64
                    | UInt128(UInt64.random(in: .min ... .max, using: &generator))
                // Mostly zero groups, so that "::" and the mixed IPv4 forms appear often.
                for group in 0..<8 where Bool.random(using: &generator) { bits &= ~(UInt128(0xffff) << UInt128(16 * group)) }
                text = IPv6Prefix(network: IPv6Address(bits: bits & IPv6Prefix.mask(length)), length: length)!.description.map(String.init)
            }
            if round % 10 != 0 {
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let position = Int.random(in: 0...text.count, using: &generator)
                    let piece = Self.alphabet.randomElement(using: &generator)!
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: text.insert(piece, at: position)
                    case 1 where position < text.count: text.remove(at: position)
                    default: if position < text.count { text[position] = piece }
                    }
                }
            }
            if let failure = Self.disagreement(text.joined()) { failures.append(failure) }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test func bytesParseValues() throws {
        #expect(Self.withUTF8("::ffff:127.0.0.0/104") { try? IPPrefix(utf8: $0) } == .v6(try IPv6Prefix(parsing: "::ffff:127.0.0.0/104")))
        #expect(Self.withUTF8("10.1.0.0/16") { try? IPPrefix(utf8: $0) } == .v4(IPv4Prefix(network: IPv4Address(10, 1, 0, 0), length: 16)!))
        #expect(Self.withUTF8("10.1.0.1/16") { bytes in Self.outcome { () throws(AddressParseError) in try IPPrefix(utf8: bytes) } }
                == .error(AddressParseError(text: "10.1.0.1/16", reason: "has host bits set", suggestion: "10.1.0.0/16")))
    }
}
