import ArgumentParser
import SpoofGuard

/// `spoofguard dry-run POLICY --packets FILE [--iif NAME] [--drops] [--summary] [--json]`
struct DryRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dry-run",
        abstract: "Run packets through the compiled ruleset and the kernel's receive path: verdict and who decided, per packet, and totals.",
        discussion: """
            Packet files are JSON arrays, JSON lines, pcap or pcapng (told apart by content). \
            With "expect" fields in the input, any packet that does not get the expected verdict is listed \
            and the exit status is 1. Limits run as a token bucket with all packets arriving at one instant.
            """)

    @Argument(help: "The policy file, or - for standard input.")
    var policy: String

    @Option(help: "The packet file, or - for standard input.")
    var packets: String

    @Option(help: "Treat every packet as arriving on this interface (needed for captures that name none).")
    var iif: String?

    @Flag(help: "Print only packets that are dropped or rejected.")
    var drops = false

    @Flag(help: "Print only the totals.")
    var summary = false

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(inversion: .prefixedNo, help: "Apply the kernel's own receive-path checks (::1 in the IPv6 core, IPv4 martians).")
    var kernelChecks = true

    func validate() throws {
        if policy == "-" && packets == "-" {
            throw ValidationError("the policy and the packets cannot both come from standard input")
        }
    }

    func run() throws {
        let loaded = try loadPolicyOrExit(policy)
        var evaluator: Evaluator
        do {
            evaluator = try Evaluator(ruleset: Compiler.compile(loaded), options: .init(kernelChecks: kernelChecks))
        } catch {
            printError("the compiled ruleset cannot be evaluated: \(error)")
            throw ExitCode.invalidData
        }
        var source: PacketIterator
        do {
            source = try PacketSource.packets(contentsOf: packets, overrideInterface: iif)
        } catch {
            printError(error.description)
            throw ExitCode(error.exitCode)
        }

        var output = StandardOutputBuffer()
        var tally = DryRunTally(ruleCount: evaluator.rules.count)
        var number = 0
        var firstResult = true
        // Flags read once: a property wrapper's getter is not free a million times over.
        let (json, drops, summary) = (json, drops, summary)
        if json && !summary { output.write("{\"results\": [") }
        do {
            if summary {
                tally = try DryRunSummary.tally(&source, evaluator: &evaluator).tally
            }
            while !summary, let packet = try source.next() {
                number += 1
                let outcome = evaluator.decide(packet)
                tally.add(outcome, for: packet, number: number)
                guard !drops || outcome.verdict.isDrop else { continue }
                let decider = evaluator.decider(outcome.decision)
                if json {
                    output.write((firstResult ? "\n  " : ",\n  ") + DryRunText.json(number: number, packet: packet, verdict: outcome.verdict, decider: decider).serialized)
                    firstResult = false
                } else {
                    output.writeLine(DryRunText.line(number: number, packet: packet, verdict: outcome.verdict, decider: decider))
                }
            }
        } catch {
            output.flush()
            printError(error.description)
            throw ExitCode(error.exitCode)
        }

        if json {
            let totals = DryRunText.totalsJSON(tally, evaluator).serialized
            output.writeLine(summary ? "{\"totals\": \(totals)}" : "\n], \"totals\": \(totals)}")
        } else {
            for line in DryRunText.totals(tally, evaluator) { output.writeLine(line) }
            if source.counts.notIP > 0 { output.writeLine("\(source.counts.notIP) frames without IP were not evaluated") }
        }
        output.flush()
        if tally.hasMismatches { throw ExitCode.foundDifference }
    }
}
