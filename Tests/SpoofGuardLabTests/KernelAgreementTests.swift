import Foundation
import Testing
import SpoofGuard
@testable import SpoofGuardLab
import SpoofGuardTestSupport

/// Issue 5's promise, measured: for every example policy, ten thousand seeded random packets go
/// through a real kernel, and every one lands where the evaluator said — the rule whose counter
/// moved, the kernel stage that dropped it, or through. Set SPOOFGUARD_SEED to replay a failure.
@Suite(.kernel)
struct KernelAgreementTests {
    static let examples = ["router", "host-default", "strict", "ingress", "bridge"]
    static let packetsPerPolicy = 10_000

    static func example(_ name: String) throws -> Policy {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try Policy.load(from: root.appendingPathComponent("Examples/\(name).json").path)
    }

    static func seed(for name: String) -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["SPOOFGUARD_SEED"], let seed = UInt64(text) { return seed }
        return name.utf8.reduce(0x5EED) { $0 &* 31 &+ UInt64($1) }
    }

    @Test(arguments: examples)
    func randomPacketsAgreeWithTheKernel(_ name: String) throws {
        let policy = try Self.example(name)
        let seed = Self.seed(for: name)
        let outcome = try TrySession(policy: policy).run(packets: nil, count: Self.packetsPerPolicy, seed: seed,
                                                         driver: NetlinkRulesetDriver(), predictor: Fate.evaluatorPredictions)
        // Known evaluator gap, found by this test: KernelChecks treats every 0.0.0.0/8 destination
        // as a martian, but kernel 6.18 drops only 0.0.0.0 and routes the rest of 0/8
        // (KernelFactsTests.onlyTheZeroAddressIsAMartianDestinationInZeroNetwork). Those
        // disagreements are a known issue; any other is a failure. Once the evaluator is fixed,
        // `known` stays empty and this block can go.
        let shown = outcome.report.disagreements.prefix(20).map { "  \($0)" }.joined(separator: "\n")
        #expect(outcome.report.disagreements.isEmpty,
                "\(name).json, seed \(seed) (SPOOFGUARD_SEED=\(seed) replays): \(outcome.report.disagreements.count) disagreements\n\(shown)")
        #expect(outcome.report.packets == Self.packetsPerPolicy)
        if policy.hooks.contains(.bridge) {
            // Bridged frames include QinQ and PPPoE (issue 14): every encapsulation rule must
            // have dropped frames the kernel confirmed.
            let confirmed = Set(outcome.report.agreed.keys.compactMap { fate -> String? in
                if case .rule(let rule) = fate, rule.family == .bridge { rule.comment } else { nil }
            })
            let encapsulationRules = Compiler.compile(policy).tables.filter { $0.family == .bridge }
                .flatMap { $0.chains.flatMap(\.rules) }.compactMap(\.comment)
                .filter { comment in LinkEncapsulation.guarded.contains { comment.hasSuffix(" \($0)") } }
            #expect(encapsulationRules.count == 16)
            #expect(Set(encapsulationRules).isSubset(of: confirmed), "not confirmed: \(Set(encapsulationRules).subtracting(confirmed).sorted())")
        }
        print("kernel agreement \(name).json seed \(seed): \(outcome.report.packets) packets, \(outcome.report.groups) groups, "
              + outcome.report.agreed.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: "; "))
    }

    /// Proof that the harness can fail: an evaluator that believes the policy does not guard
    /// IPv4-mapped loopback (its copy of the ruleset lacks that range) is caught, and every
    /// disagreement is one of those packets.
    @Test func aMutatedEvaluatorIsCaught() throws {
        let policy = try Self.example("router")
        let session = TrySession(policy: policy)
        let mapped = IPv6Prefix(network: try IPv6Address(parsing: "::ffff:127.0.0.0"), length: 104)!
        var mutated = session.ruleset
        for t in mutated.tables.indices {
            for s in mutated.tables[t].sets.indices {
                if case .ipv6(let set) = mutated.tables[t].sets[s].elements {
                    mutated.tables[t].sets[s].elements = .ipv6(set.subtracting(IPv6Set([mapped])))
                }
            }
        }
        #expect(mutated != session.ruleset, "the mutation must change the evaluator's ruleset")
        let outcome = try session.run(packets: nil, count: 2000, seed: 77, driver: NetlinkRulesetDriver(),
                                      predictor: { _ in try Fate.evaluatorPredictions(for: mutated) })
        #expect(!outcome.report.disagreements.isEmpty, "a wrong evaluator went unnoticed")
        for disagreement in outcome.report.disagreements {
            guard case .v6(let source) = disagreement.injection.packet.source else {
                Issue.record("unexpected disagreement: \(disagreement)")
                continue
            }
            #expect(mapped.contains(source), "unexpected disagreement: \(disagreement)")
            #expect(disagreement.predicted == .accepted)
        }
    }
}
