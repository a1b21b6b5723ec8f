import Foundation
import Testing
@testable import SpoofGuard

/// Linearize against nft's own kernel expressions: Golden/netlink-forms.txt holds what
/// `nft --debug=netlink` (nftables 1.0.6) emits for each rule of Golden/netlink-forms.nft
/// (regenerate with Scripts/update-netlink-golden). The listing text cannot tell a 1-byte load
/// from a 4-byte load + mask, or a hidden dependency from none; this file can. Each IR rule
/// below is the rule of the same position in the file, and must also survive Delinearize.
@Suite struct NetlinkFormTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden/netlink-forms.txt")

    struct Block {
        var ruleText: String
        var family: TableFamily
        var expressions: [String]
    }

    static func blocks() throws -> [Block] {
        let text = try String(contentsOf: golden, encoding: .utf8)
        return try text.split(separator: "\n\n").map { chunk in
            let lines = chunk.split(separator: "\n").map(String.init)
            guard lines.count >= 2, lines[0].hasPrefix("# "),
                  let family = TableFamily(rawValue: String(lines[1].prefix { $0 != " " })) else {
                throw GoldenFormatError(chunk: String(chunk))
            }
            return Block(ruleText: String(lines[0].dropFirst(2)), family: family,
                         expressions: lines.dropFirst(2).map { $0.trimmingCharacters(in: .whitespaces) })
        }
    }

    struct GoldenFormatError: Error { var chunk: String }

    static func prefix(_ text: String) -> MatchValue { .prefix(try! IPPrefix(parsing: text)) }
    static func name(_ text: String) -> MatchValue { .interface(try! InterfacePattern(parsing: text)) }
    static func source(_ family: AddressFamily, _ value: MatchValue, negated: Bool = false) -> Statement {
        .match(Match(.address(family, .source), value, negated: negated))
    }
    static func destination(_ family: AddressFamily, _ value: MatchValue, negated: Bool = false) -> Statement {
        .match(Match(.address(family, .destination), value, negated: negated))
    }
    static func iifname(_ value: MatchValue, negated: Bool = false) -> Statement {
        .match(Match(.inputInterfaceName, value, negated: negated))
    }
    /// `@ll,OFFSET,LENGTH` (in bytes here) compared with a value, or looked up in a set.
    static func link(_ offset: UInt32, _ value: MatchValue, length: UInt32 = 2) -> Statement {
        .match(Match(.payload(RawPayload(.link, offset: offset, length: length)), value))
    }

    /// The rules of Golden/netlink-forms.nft, in order.
    static let rules: [(TableFamily, Rule)] = [
        (.inet, Rule([iifname(.set("ifs")), source(.ipv4, .set("s4")), .counter(Counter()), .verdict(.drop)])),
        (.inet, Rule([iifname(.set("ifs"), negated: true), source(.ipv6, .set("s6")), .counter(Counter()), .verdict(.drop)])),
        (.inet, Rule([iifname(name("eth0")), destination(.ipv4, prefix("127.0.0.0/8")), .verdict(.drop)])),
        (.inet, Rule([iifname(name("wan*")), source(.ipv4, prefix("172.16.0.0/12")), .verdict(.drop)])),
        (.inet, Rule([source(.ipv6, prefix("::1/128")), .verdict(.drop)])),
        (.inet, Rule([source(.ipv6, prefix("::ffff:127.0.0.0/104")), .verdict(.drop)])),
        (.inet, Rule([destination(.ipv6, prefix("2001:db8::/33"), negated: true), .verdict(.accept)])),
        // An explicit family match that a counter separates from the address match: nft keeps
        // it as a match of its own (it counts IPv4 only) and adds no second dependency.
        (.inet, Rule([.match(Match(.networkFamily, .family(.ipv4))), .counter(Counter()),
                      source(.ipv4, prefix("10.0.0.0/8")), .verdict(.drop)])),
        (.inet, Rule([source(.ipv4, prefix("127.0.0.0/8")), .limit(RateLimit(rate: 10, per: .minute)),
                      .log(Log(prefix: "spoofguard: ")), .verdict(.continue)])),
        (.inet, Rule([source(.ipv4, prefix("127.0.0.0/8")), .log(Log(group: 5)), .reject(.portUnreachable)])),
        (.inet, Rule([source(.ipv6, prefix("::1/128")), .reject(.portUnreachable)])),
        (.inet, Rule([source(.ipv4, prefix("127.0.0.0/8")), .reject(.tcpReset)])),
        (.inet, Rule([.reject(.portUnreachable)])),
        (.inet, Rule([.verdict(.jump("d"))])),
        (.inet, Rule([.verdict(.goto("d"))])),
        (.inet, Rule([.verdict(.return)])),
        (.netdev, Rule([source(.ipv4, prefix("127.0.0.0/8")), .counter(Counter()), .verdict(.drop)])),
        (.netdev, Rule([source(.ipv6, prefix("::1/128")), .reject(.portUnreachable)])),
        // Encapsulation guards: raw link-layer loads, which nft names `ether type`/`vlan type`
        // by its context; in netdev it puts `meta iiftype ether` before the first Ethernet field.
        (.netdev, Rule([link(20, .bytes([0x00, 0x57])), link(12, .bytes([0x88, 0x64])), link(30, .set("q6"), length: 16),
                        .counter(Counter()), .verdict(.drop)])),
        (.bridge, Rule([source(.ipv6, prefix("::1/128")), .counter(Counter()), .verdict(.drop)])),
        (.bridge, Rule([link(12, .bytes([0x88, 0xa8])), link(16, .bytes([0x81, 0x00])), link(20, .bytes([0x08, 0x00])),
                        link(34, .set("q4"), length: 4), .counter(Counter()), .verdict(.drop)])),
        (.bridge, Rule([link(24, .bytes([0x00, 0x21])), link(12, .bytes([0x81, 0x00])), link(16, .bytes([0x88, 0x64])),
                        link(38, .set("q4"), length: 4), .verdict(.drop)])),
        (.ip, Rule([source(.ipv4, prefix("127.0.0.0/8")), .reject(.portUnreachable)])),
    ]

    @Test func linearizeEmitsWhatNftEmits() throws {
        let blocks = try Self.blocks()
        try #require(blocks.count == Self.rules.count, "Golden/netlink-forms.txt has \(blocks.count) rules, the test \(Self.rules.count)")
        for (block, (family, rule)) in zip(blocks, Self.rules) {
            #expect(block.family == family, "\(block.ruleText)")
            let expressions = try Linearize.expressions(for: rule, family: family)
            #expect(expressions.map(\.description) == block.expressions, "\(family.rawValue): \(block.ruleText)")
        }
    }

    @Test func nftsFormsDelinearizeToTheSameRule() throws {
        for (family, rule) in Self.rules {
            let expressions = try Linearize.expressions(for: rule, family: family)
            #expect(try Delinearize.rule(expressions, family: family) == rule, "\(family.rawValue): \(rule)")
        }
    }
}
