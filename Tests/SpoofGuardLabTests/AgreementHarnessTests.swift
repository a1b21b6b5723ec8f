import Testing
import SpoofGuard
@testable import SpoofGuardLab
import SpoofGuardTestSupport

/// The harness itself, against a hand-written table and hand-written expectations (the facts
/// of ADDRESSES.md), independent of the evaluator: it must confirm right predictions and name
/// each wrong one.
@Suite(.kernel)
struct AgreementHarnessTests {
    static let text = """
        table inet sgtest {
            chain prerouting {
                type filter hook prerouting priority raw;
                iifname "eth0" ip saddr 127.0.0.0/8 counter drop
                iifname "eth0" ip6 saddr ::ffff:127.0.0.0/104 counter drop
            }
        }
        table bridge sgtest {
            chain prerouting {
                type filter hook prerouting priority dstnat;
                ip saddr 127.0.0.0/8 counter drop
            }
        }
        """
    /// The same tables as far as counters go: which rules count, in which chain, at which position.
    static let ruleset = Ruleset(tables: [
        Table(family: .inet, name: "sgtest", chains: [Chain(name: "prerouting", rules: [
            Rule([.counter(Counter()), .verdict(.drop)], comment: "v4"),
            Rule([.counter(Counter()), .verdict(.drop)], comment: "mapped"),
        ])]),
        Table(family: .bridge, name: "sgtest", chains: [Chain(name: "prerouting", rules: [
            Rule([.counter(Counter()), .verdict(.drop)], comment: "bridge v4"),
        ])]),
    ])
    static let v4Rule = Fate.rule(RuleAddress(family: .inet, table: "sgtest", chain: "prerouting", index: 0, comment: "v4"))
    static let mappedRule = Fate.rule(RuleAddress(family: .inet, table: "sgtest", chain: "prerouting", index: 1, comment: "mapped"))
    static let bridgeRule = Fate.rule(RuleAddress(family: .bridge, table: "sgtest", chain: "prerouting", index: 0, comment: "bridge v4"))

    let lab: KernelLab
    let bridgePort: String

    init() throws {
        let policy = Policy(external: .listed([try InterfacePattern(parsing: "eth0"), try InterfacePattern(parsing: "ppp*")]),
                            guardedSources: [], guardedDestinations: [], hooks: [.prerouting, .bridge])
        lab = try KernelLab(policy: policy)
        bridgePort = lab.topology.links.first(where: \.isBridgePort)!.name
    }

    /// Packets with the fate the facts predict for the table above.
    var cases: [(Injection, Fate)] {
        func p(_ s: String, _ d: String, _ i: String, _ kind: InputInterface.Kind? = nil, _ t: TransportProtocol = .udp,
               localnet: Bool = false) -> Injection {
            Injection(LabSupport.packet(s, d, on: i, kind: kind, t, routeLocalnet: localnet))
        }
        return [
            (p("127.0.0.1", "192.0.2.1", "eth0", nil, .tcp), Self.v4Rule),
            (p("127.0.0.1", "192.0.2.1", "ppp0"), .droppedAfterPrerouting),
            (p("127.0.0.1", "192.0.2.1", "ppp0", localnet: true), .accepted),
            (p("198.51.100.7", "127.0.0.1", "eth0"), .droppedAfterPrerouting),
            (p("::1", "2001:db8:1::1", "eth0"), .droppedBeforePrerouting),
            (p("::ffff:127.0.0.1", "2001:db8:1::1", "eth0", nil, .icmpv6), Self.mappedRule),
            (p("::ffff:127.0.0.1", "2001:db8:1::1", "ppp0"), .accepted),
            (p("198.51.100.7", "203.0.113.9", "eth0", nil, .icmp), .accepted),
            (p("127.0.0.1", "127.0.0.1", bridgePort, .bridgePort), Self.bridgeRule),
            (p("::1", "::1", bridgePort, .bridgePort), .accepted),
            (p("127.0.0.1", "127.0.0.1", "lo", .loopback), .accepted),
            (p("::1", "::1", "lo", .loopback), .accepted),
        ]
    }

    func harness(_ predictions: [Packet: Fate]) throws -> AgreementHarness {
        try AgreementHarness(lab: lab, ruleset: Self.ruleset, driver: NftOracleDriver(text: Self.text)) { predictions[$0]! }
    }

    @Test func rightPredictionsAgreeInGroups() throws {
        let cases = cases
        let harness = try harness(Dictionary(cases.map { ($0.0.packet, $0.1) }, uniquingKeysWith: { a, _ in a }))
        // Each packet three times, so that groups hold more than one packet.
        let report = try harness.run(Array(repeating: cases.map(\.0), count: 3).flatMap { $0 }, groupSize: 8)
        #expect(report.disagreements.map(\.description) == [])
        #expect(report.packets == cases.count * 3)
        #expect(report.agreed[.accepted] == 6 * 3)
        #expect(report.agreed[Self.bridgeRule] == 3)
    }

    @Test func aWrongPredictionIsNamed() throws {
        var predictions = Dictionary(cases.map { ($0.0.packet, $0.1) }, uniquingKeysWith: { a, _ in a })
        // Claim v4-mapped UDP on ppp0 is dropped by the mapped rule (it is not: ppp0 is not matched).
        let wrong = LabSupport.packet("::ffff:127.0.0.1", "2001:db8:1::1", on: "ppp0")
        predictions[wrong] = Self.mappedRule
        let harness = try harness(predictions)
        let report = try harness.run(cases.map(\.0) + cases.map(\.0), groupSize: 8)
        #expect(report.disagreements.count == 2)
        for disagreement in report.disagreements {
            #expect(disagreement.injection.packet == wrong)
            #expect(disagreement.observed.fates == [.accepted: 1])
            #expect(disagreement.description.contains("::ffff:127.0.0.1 -> 2001:db8:1::1 on ppp0"))
        }
        #expect(report.packets == cases.count * 2)
    }
}
