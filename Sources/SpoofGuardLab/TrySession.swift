import SpoofGuard

/// `spoofguard try`: a policy, real packets, a real kernel. Builds the lab for the policy,
/// loads the compiled ruleset, injects the given or generated packets and holds the
/// evaluator's predictions against the kernel's counters.
public struct TrySession {
    public var policy: Policy
    /// The ruleset loaded into the lab: the policy compiled with a counter on every guard rule,
    /// so that each drop can be attributed (a counter changes no verdict).
    public let ruleset: Ruleset
    public var groupSize = 32

    public init(policy: Policy) {
        self.policy = policy
        var counted = policy
        counted.action.counter = true
        ruleset = Compiler.compile(counted)
    }

    public struct Outcome: Sendable {
        public var topology: LabTopology
        public var seed: UInt64?
        public var report: AgreementHarness.Report
    }

    /// Runs `packets`, or `count` packets generated from `seed` when `packets` is nil.
    /// `predictor` receives the loaded ruleset and returns the evaluator's prediction function.
    public func run(packets: [Packet]?, count: Int, seed: UInt64, driver: any RulesetDriver,
                    predictor: (Ruleset) throws -> (Packet) -> Fate,
                    progress: ((AgreementHarness.Report) -> Void)? = nil) throws -> Outcome {
        let lab = try KernelLab(policy: policy)
        defer { lab.close() }
        let injections: [Injection]
        if let packets {
            let known = Set(lab.topology.inputInterfaces.map(\.name))
            for (index, packet) in packets.enumerated() where !known.contains(packet.inputInterface.name) {
                throw LabError.unexpected("""
                    packet \(index + 1) (\(packet.summary)) arrives on "\(packet.inputInterface.name)", which the lab \
                    for this policy does not have; use one of: \(known.sorted().joined(separator: ", "))
                    """)
            }
            // The lab knows which devices are bridge ports and which is lo.
            injections = packets.map { packet in
                var packet = packet
                packet.inputInterface = lab.topology.inputInterfaces.first { $0.name == packet.inputInterface.name }!
                return Injection(packet)
            }
        } else {
            var generator = PacketGenerator(topology: lab.topology, policy: policy, seed: seed)
            injections = generator.next(count)
        }
        let harness = try AgreementHarness(lab: lab, ruleset: ruleset, driver: driver, predict: try predictor(ruleset))
        let report = try harness.run(injections, groupSize: groupSize, progress: progress)
        return Outcome(topology: lab.topology, seed: packets == nil ? seed : nil, report: report)
    }
}

extension TrySession.Outcome {
    /// The human summary: per predicted fate, how many packets the kernel confirmed; then
    /// every disagreement with its packet.
    public var text: String {
        var lines: [String] = []
        let confirmed = report.agreed.values.reduce(0, +)
        lines.append("lab: \(topology.inputInterfaces.map { $0.kind == .bridgePort ? "\($0.name) (bridge port)" : $0.name }.joined(separator: ", "))")
        for (fate, count) in report.agreed.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(count.formatted(width: 7))  \(fate)")
        }
        for disagreement in report.disagreements { lines.append("DISAGREE \(disagreement)") }
        var summary = "\(report.packets) packets in \(report.groups) groups: \(confirmed) agree, \(report.disagreements.count) disagree"
        if let seed { summary += " (seed \(seed))" }
        lines.append(summary)
        return lines.joined(separator: "\n")
    }
}

extension Int {
    func formatted(width: Int) -> String {
        let text = String(self)
        return String(repeating: " ", count: Swift.max(0, width - text.count)) + text
    }
}

/// `try --json`: `{"agreement", "packets", "groups", "seed", "agreed": {fate: n},
/// "disagreements": [{"packet", "vlan", "predicted", "kernel": {fate: n}, "unaccounted"}]}`.
public struct TryReport: Sendable {
    public struct Disagreement: Sendable {
        public var packet: String
        public var vlan: UInt16?
        public var predicted: String
        public var kernel: [String: Int]
        public var unaccounted: Int
    }
    public var agreement: Bool
    public var packets: Int
    public var groups: Int
    public var seed: UInt64?
    public var agreed: [String: Int]
    public var disagreements: [Disagreement]

    public init(_ outcome: TrySession.Outcome) {
        let report = outcome.report
        agreement = report.isAgreement
        packets = report.packets
        groups = report.groups
        seed = outcome.seed
        agreed = Dictionary(report.agreed.map { ("\($0.key)", $0.value) }, uniquingKeysWith: +)
        disagreements = report.disagreements.map { d in
            Disagreement(packet: d.injection.packet.summary, vlan: d.injection.vlanID, predicted: "\(d.predicted)",
                         kernel: Dictionary(d.observed.fates.map { ("\($0.key)", $0.value) }, uniquingKeysWith: +),
                         unaccounted: d.observed.unaccounted)
        }
    }

    /// Fate counts keyed by fate, keys sorted so that the output is stable.
    private static func write(_ counts: [String: Int], to writer: inout JSONWriter) {
        writer.object { writer in
            for (fate, count) in counts.sorted(by: { $0.key < $1.key }) { writer.member(fate, count) }
        }
    }

    public func writeJSON(to writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("agreement", agreement)
            writer.member("packets", packets)
            writer.member("groups", groups)
            writer.member("seed", seed)
            writer.key("agreed")
            Self.write(agreed, to: &writer)
            writer.member("disagreements", objects: disagreements) { writer, disagreement in
                writer.member("packet", disagreement.packet)
                writer.member("vlan", disagreement.vlan)
                writer.member("predicted", disagreement.predicted)
                writer.key("kernel")
                Self.write(disagreement.kernel, to: &writer)
                writer.member("unaccounted", disagreement.unaccounted)
            }
        }
    }
}
