// libFuzzer target: `dry-run --summary`'s specialised path (frames read in place, the classifier
// derived for one input interface) against the general one (`next()` and `Evaluator.decide` per
// packet), on arbitrary captures. The first byte picks the interface, --skip-bad and whether the
// interface is a bridge port (--iif-kind bridge-port: tagged and PPPoE frames meet the bridge
// chain's encapsulation rules); the rest is the capture.
//
// Invariant: both paths give the same totals, the same read counts and skipped records, or the
// same error.

let summaryPolicy = Array("""
    {"version": 1, "external": ["wan*", "eth0"], "internal": ["br-lan"],
     "guard": {"source": ["martians", "loopback-mapped", "64:ff9b::7f00:0/104", "198.51.100.0/24"],
               "destination": ["loopback", "unspecified"]},
     "action": {"verdict": "reject", "log": {"prefix": "spoofguard: ", "rate": "5/second"}},
     "hooks": ["prerouting", "bridge"]}
    """.utf8)

/// Decoded and compiled per input, not held in a global: LeakSanitizer cannot see the
/// pointers a global's enum payloads keep in spare bits, and reports them as leaked at exit.
func summaryRuleset() -> Ruleset {
    guard let policy = try? Policy.decode(summaryPolicy, source: "fuzz-summary-policy") else {
        fatalError("the summary target's own policy does not decode")
    }
    return Compiler.compile(policy)
}

func describeSummary(_ tally: DryRunTally, _ evaluator: Evaluator, _ packets: PacketIterator) -> String {
    (DryRunText.totals(tally, evaluator) + ["\(packets.counts)"] + packets.skipped.map(\.description)).joined(separator: "\n")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSummary(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    guard size > 1 else { return 0 }
    let all = UnsafeRawBufferPointer(start: data, count: size)
    let interface = ["wan0", "br-lan", "lo", "veth7"][Int(all[0] & 3)]
    let skipBad = all[0] & 4 != 0
    let kind: InputInterface.Kind? = all[0] & 8 != 0 ? .bridgePort : nil
    let capture = UnsafeRawBufferPointer(rebasing: all[1...])
    guard let format = PacketSource.detectFormat(capture), format == .pcap || format == .pcapng else { return 0 }

    let ruleset = summaryRuleset()
    /// What `tally` makes of the capture, read afresh with a fresh evaluator: the totals, read
    /// counts and skipped records, or the error.
    func totals(_ tally: (inout PacketIterator, inout Evaluator) throws -> DryRunTally) -> String {
        do {
            var evaluator = try Evaluator(ruleset: ruleset)
            var packets = try PacketSource.packets(bytes: capture, name: "fuzz", overrideInterface: interface, skipBad: skipBad)
            packets.interfaceKind = kind
            let counted = try tally(&packets, &evaluator)
            return describeSummary(counted, evaluator, packets)
        } catch {
            return "error: \(error)"
        }
    }
    let general = totals { packets, evaluator in try DryRunTally(decidingEach: &packets, by: &evaluator) }
    let summary = totals { packets, evaluator in try DryRunSummary.tally(&packets, evaluator: &evaluator).tally }
    precondition(general == summary, "on \(interface) (\(kind.map(\.rawValue) ?? "own kind")), skipBad \(skipBad):\n--- general\n\(general)\n--- summary\n\(summary)")
    return 0
}
