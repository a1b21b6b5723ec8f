import Testing
@testable import SpoofGuard

/// `Evaluator.measure`: the per-packet work it counts, and that it stays flat as interfaces
/// and prefixes grow (they live in sets, not in rules).
struct EvaluationStatisticsTests {
    static func evaluator(interfaces: Int, extraSources: Int) throws -> Evaluator {
        let names = ["wan0"] + (1..<max(interfaces, 1)).map { "eth\($0)" }
        let extra = (0..<extraSources).map { "11.\($0 / 256).\($0 % 256).0/24" }
        let policy = Fixture.policy(external: .listed(Fixture.patterns(names)), sources: Fixture.defaultSources + extra)
        return try Evaluator(ruleset: Compiler.compile(policy), options: .init(kernelChecks: false))
    }

    @Test func countsEveryRuleAndStatementOnThePath() throws {
        var evaluator = try Self.evaluator(interfaces: 1, extraSources: 0)
        // Ordinary IPv4 on an external interface: each of the four guard rules tests the
        // interface set, then its address match fails (or its family does).
        let ordinary = evaluator.measure(Fixture.packet("wan0", "198.51.100.1", "192.0.2.1"))
        #expect(ordinary.outcome.verdict == .accepted)
        #expect(ordinary.statistics == EvaluationStatistics(rules: 4, statements: 8))
        // On an internal interface every rule stops at its interface test.
        let internalPacket = evaluator.measure(Fixture.packet("br-lan", "127.0.0.1", "192.0.2.1"))
        #expect(internalPacket.statistics == EvaluationStatistics(rules: 4, statements: 4))
        // A spoofed source stops at the first rule: interface, address, counter, drop.
        let spoofed = evaluator.measure(Fixture.packet("wan0", "127.0.0.1", "192.0.2.1"))
        #expect(spoofed.outcome.verdict == .dropped)
        #expect(spoofed.statistics == EvaluationStatistics(rules: 1, statements: 4))
    }

    @Test func measureDecidesLikeDecide() throws {
        var measuring = try Self.evaluator(interfaces: 3, extraSources: 5)
        var deciding = try Self.evaluator(interfaces: 3, extraSources: 5)
        for packet in [Fixture.packet("wan0", "127.0.0.1", "192.0.2.1"), Fixture.packet("eth2", "11.0.3.9", "192.0.2.1"),
                       Fixture.packet("wan0", "::1", "2001:db8::1"), Fixture.packet("lo", "127.0.0.1", "127.0.0.1")] {
            #expect(measuring.measure(packet).outcome == deciding.decide(packet))
        }
        #expect(measuring.counters == deciding.counters)
    }

    @Test func workPerPacketDoesNotGrowWithInterfacesOrPrefixes() throws {
        var small = try Self.evaluator(interfaces: 1, extraSources: 0)
        var large = try Self.evaluator(interfaces: 500, extraSources: 5_000)
        for packet in [Fixture.packet("wan0", "198.51.100.1", "192.0.2.1"), Fixture.packet("wan0", "127.0.0.1", "192.0.2.1"),
                       Fixture.packet("wan0", "2001:db8::7", "2001:db8::1"), Fixture.packet("br-lan", "::1", "::1")] {
            #expect(small.measure(packet).statistics == large.measure(packet).statistics, "\(packet.displayText)")
        }
    }
}
