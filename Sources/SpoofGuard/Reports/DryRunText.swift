/// The text forms of dry-run output.
public enum DryRunText {
    /// `#1 wan0 127.0.0.1 -> 192.0.2.1 udp/53: drop by rule "guard.source ipv4" (iifname … drop)`
    public static func line(number: Int, packet: Packet, verdict: PacketVerdict, decider: Decider) -> String {
        var text = "#\(number) \(packet.displayText): \(word(verdict))"
        if decider != .nobody { text += " by \(decider)" }
        if let expected = packet.expected, (expected == .drop) != verdict.isDrop { text += " [expected \(expected.rawValue)]" }
        // The interface name is the input's (ESC is a valid byte in one).
        return text.terminalEscaped
    }

    public static func word(_ verdict: PacketVerdict) -> String {
        switch verdict {
        case .accepted: "accept"
        case .dropped: "drop"
        case .rejected: "reject"
        }
    }

    /// The totals block: per verdict, then per decider, then the mismatches.
    public static func totals(_ tally: DryRunTally, _ evaluator: Evaluator) -> [String] {
        var lines = ["\(tally.packets) packets: \(tally.accepted) accepted, \(tally.dropped) dropped, \(tally.rejected) rejected"]
        for (decider, packets) in tally.deciders(evaluator) {
            lines.append("  \(packets)\t\(decider)")
        }
        if tally.hasMismatches {
            lines.append("\(tally.mismatches.count) packets did not get the expected verdict:")
            for mismatch in tally.mismatches {
                lines.append("  #\(mismatch.number) \(mismatch.packet.displayText.terminalEscaped): expected \(mismatch.expected.rawValue), got \(word(mismatch.verdict)) by \(evaluator.decider(mismatch.decision))")
            }
        }
        return lines
    }
}
