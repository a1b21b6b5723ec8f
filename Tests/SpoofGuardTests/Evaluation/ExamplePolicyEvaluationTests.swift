import Foundation
import Testing
@testable import SpoofGuard

/// The example policies, compiled, against the verifier and the example packet files.
@Suite struct ExamplePolicyEvaluationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func example(_ name: String) throws -> Policy {
        try Policy.load(from: root.appendingPathComponent("Examples/\(name).json").path)
    }

    @Test(arguments: ["router", "host-default", "bridge", "ingress", "strict"])
    func everyExampleIsProved(_ name: String) throws {
        let policy = try Self.example(name)
        let report = try Verifier(ruleset: Compiler.compile(policy), policy: policy).verify()
        #expect(report.holds, "\(report.text)")
        #expect(report.results.contains { $0.property == .guardedSourcesDropped })
        #expect(report.results.contains { $0.property == .loopbackNeverFiltered })
    }

    @Test(arguments: ["packets.json", "packets.jsonl", "interfaces.pcapng"])
    func examplePacketsMeetTheirExpectations(_ file: String) throws {
        // The sample files' `expect` fields assume the default policy (README of Examples/packets).
        var evaluator = try Evaluator(ruleset: Compiler.compile(try Self.example("host-default")))
        let packets = try PacketSource.read(contentsOf: Self.root.appendingPathComponent("Examples/packets/\(file)").path).packets
        #expect(!packets.isEmpty)
        var tally = DryRunTally(ruleCount: evaluator.rules.count)
        for (index, packet) in packets.enumerated() {
            tally.add(evaluator.decide(packet), for: packet, number: index + 1)
        }
        #expect(tally.mismatches.isEmpty, "\(DryRunText.totals(tally, evaluator).joined(separator: "\n"))")
        #expect(tally.dropped > 0)
    }
}
