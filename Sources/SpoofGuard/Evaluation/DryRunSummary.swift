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
        if let (classifier, interface) = FixedInterfaceClassifier.forCapture(packets, evaluator: evaluator) {
            return (try tally(&packets, classifier: classifier, evaluator: &evaluator, interface: interface), .specialised)
        }
        return (try DryRunTally(decidingEach: &packets, by: &evaluator), .general)
    }

    static func tally(_ packets: inout PacketIterator, classifier: FixedInterfaceClassifier,
                      evaluator: inout Evaluator, interface: InputInterface) throws(PacketInputError) -> DryRunTally {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: classifier.outcomes.count)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        var counter = OutcomeCounter(classifier: classifier, counts: counts, evaluator: evaluator, interface: interface)
        try packets.forEachCapturedFrame(into: &counter)
        evaluator = counter.evaluator
        var tally = DryRunTally(ruleCount: evaluator.rules.count)
        for (index, count) in counts.enumerated() { tally.add(classifier.outcomes[index], count: count) }
        for (outcome, count) in counter.encapsulatedOutcomes { tally.add(outcome, count: count) }
        return tally
    }
}

/// Packets per outcome of a classifier, counted into memory the caller owns (no
/// copy-on-write check per packet).
struct OutcomeCounter: CapturedFrameSink {
    let classifier: FixedInterfaceClassifier
    let counts: UnsafeMutableBufferPointer<Int>
    /// Tagged and PPPoE frames go through the evaluator: the classifier's tables hold the
    /// fates of untagged packets.
    var evaluator: Evaluator
    let interface: InputInterface
    var encapsulatedOutcomes: [Evaluator.Outcome: Int] = [:]

    init(classifier: FixedInterfaceClassifier, counts: UnsafeMutableBufferPointer<Int>, evaluator: Evaluator, interface: InputInterface) {
        self.classifier = classifier
        self.counts = counts
        self.evaluator = evaluator
        self.interface = interface
    }

    mutating func decoded(_ ip: DecodedIP) {
        if ip.fields.encapsulation == .untagged {
            counts[classifier.outcomeIndex(ip.fields)] &+= 1
        } else {
            encapsulatedOutcomes[evaluator.decide(ip.packet(on: interface)), default: 0] += 1
        }
    }

    @inline(__always)
    mutating func ipv4(source: UInt32, destination: UInt32, transport: PlainTransport) {
        counts[classifier.outcomeIndex4(source: source, destination: destination, isTCP: transport.isTCP)] &+= 1
    }

    @inline(__always)
    mutating func ipv6(source: UInt128, destination: UInt128, transport: PlainTransport) {
        counts[classifier.outcomeIndex6(source: source, destination: destination, isTCP: transport.isTCP)] &+= 1
    }
}
