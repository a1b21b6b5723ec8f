/// Each packet's outcome in a dry run that lists packets: from the classifier specialised for
/// the one input interface where `dry-run --summary` would use it (a capture read with
/// `--iif`, no `limit` that can change an outcome), else from the evaluator. The classifier
/// gives every packet the evaluator's verdict and decider in a few nanoseconds; the
/// evaluator's counters, logs and limits, which the listing does not show, advance only on
/// the general path.
public struct DryRunDecisions {
    public private(set) var evaluator: Evaluator
    private let specialised: (classifier: FixedInterfaceClassifier, interface: InputInterface)?

    public init(evaluator: Evaluator, packets: PacketIterator) {
        self.evaluator = evaluator
        specialised = FixedInterfaceClassifier.forCapture(packets, evaluator: evaluator)
    }

    public var isSpecialised: Bool { specialised != nil }

    public mutating func decide(_ packet: Packet) -> Evaluator.Outcome {
        // The classifier's tables hold the fates of untagged packets; tagged and PPPoE frames
        // take the evaluator, as in `DryRunSummary`.
        guard let (classifier, interface) = specialised, !packet.routeLocalnet, packet.inputInterface == interface,
              packet.encapsulation == .untagged else {
            return evaluator.decide(packet)
        }
        let isTCP = packet.transport == .tcp
        switch (packet.source, packet.destination) {
        case (.v4(let source), .v4(let destination)):
            return classifier.outcomes[classifier.outcomeIndex4(source: source.bits, destination: destination.bits, isTCP: isTCP)]
        case (.v6(let source), .v6(let destination)):
            return classifier.outcomes[classifier.outcomeIndex6(source: source.bits, destination: destination.bits, isTCP: isTCP)]
        default:
            return evaluator.decide(packet)
        }
    }
}
