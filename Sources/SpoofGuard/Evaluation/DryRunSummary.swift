/// `dry-run --summary`: the totals of every packet of an input, without per-packet output.
public enum DryRunSummary {
    /// How the packets were classified.
    public enum Path: Hashable, Sendable {
        /// The evaluator specialised for the one input interface (`FixedInterfaceClassifier`).
        case specialised
        /// The evaluator, packet by packet: JSON input, no `--iif`, or a `limit` that can
        /// change an outcome.
        case general
    }

    /// Runs every packet of `packets` through `evaluator` and adds up the outcomes. Captures
    /// read with a fixed interface go through the specialised classifier, which gives every
    /// packet the same verdict and decider as `evaluator.decide`; counters, logs and limits
    /// of `evaluator` advance on the general path only (the totals do not show them).
    public static func tally(_ packets: inout PacketIterator, evaluator: inout Evaluator) throws(PacketInputError) -> (tally: DryRunTally, path: Path) {
        if packets.isCapture, let interface = packets.fixedInterface,
           let classifier = FixedInterfaceClassifier(evaluator: evaluator, interface: interface) {
            return (try tally(&packets, classifier: classifier, ruleCount: evaluator.rules.count), .specialised)
        }
        var tally = DryRunTally(ruleCount: evaluator.rules.count)
        var number = 0
        while let packet = try packets.next() {
            number += 1
            tally.add(evaluator.decide(packet), for: packet, number: number)
        }
        return (tally, .general)
    }

    static func tally(_ packets: inout PacketIterator, classifier: FixedInterfaceClassifier,
                      ruleCount: Int) throws(PacketInputError) -> DryRunTally {
        var counts = [Int](repeating: 0, count: classifier.outcomes.count)
        try counts.withUnsafeMutableBufferPointer { counts throws(PacketInputError) in
            try packets.forEachCapturedFrame { ip in counts[classifier.outcomeIndex(ip.fields)] += 1 }
        }
        var tally = DryRunTally(ruleCount: ruleCount)
        for (index, count) in counts.enumerated() { tally.add(classifier.outcomes[index], count: count) }
        return tally
    }
}
