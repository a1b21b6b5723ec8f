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

    @Option(help: ArgumentHelp("The most packet data read from standard input, a pipe or a device, in MiB (regular files are mapped and have no limit).",
                               valueName: "MiB"))
    var maxStreamMib = PacketSource.defaultStreamLimit >> 20

    @Option(help: "Treat every packet as arriving on this interface (needed for captures that name none).")
    var iif: String?

    @Option(help: "The kind of every packet's input interface: \(InputInterface.Kind.allCases.map(\.rawValue).joined(separator: ", ")). A capture cannot say; use bridge-port for frames captured on a bridge port, so they take the bridge path.")
    var iifKind: InputInterface.Kind?

    @Flag(help: "Print only packets that are dropped or rejected.")
    var drops = false

    @Flag(help: "Print only the totals.")
    var summary = false

    @OptionGroup var output: JSONOption
    var json: Bool { output.json }

    @Flag(help: "Skip bad records (each named on standard error, counted in the totals) instead of stopping at the first.")
    var skipBad = false

    @Flag(inversion: .prefixedNo, help: "Apply the kernel's own receive-path checks (::1 in the IPv6 core, IPv4 martians).")
    var kernelChecks = true

    func validate() throws {
        if policy == "-" && packets == "-" {
            throw ValidationError("the policy and the packets cannot both come from standard input")
        }
        try validateStreamLimit(maxStreamMib)
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
            source = try PacketSource.packets(contentsOf: packets, overrideInterface: iif, skipBad: skipBad,
                                              streamLimit: maxStreamMib << 20)
            source.interfaceKind = iifKind
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
        do {
            if summary {
                tally = try DryRunSummary.tally(&source, evaluator: &evaluator).tally
            } else if var listing = CaptureListing(packets: source, evaluator: evaluator, format: json ? .json : .text,
                                                   dropsOnly: drops) {
                // A capture with --iif: lines or results straight from the frames, in large writes.
                defer { firstResult = listing.listed == 0 }
                tally = try listing.run(&source, evaluator: &evaluator, write: StandardOutputBuffer.writeThrough)
            } else {
                var listing = DryRunListing(format: json ? .json : .text, evaluator: evaluator)
                var decisions = DryRunDecisions(evaluator: evaluator, packets: source)
                while let packet = try source.next() {
                    number += 1
                    let outcome = decisions.decide(packet)
                    tally.add(outcome, for: packet, number: number)
                    guard !drops || outcome.verdict.isDrop else { continue }
                    output.write { bytes in
                        // The document opens with its first result, so bad input before any
                        // leaves standard output empty, as every other command's --json does.
                        if json { bytes.append(contentsOf: (firstResult ? "{\"results\": [\n  " : ",\n  ").utf8) }
                        listing.append(number: number, packet: packet, outcome: outcome, to: &bytes)
                    }
                    firstResult = false
                }
            }
        } catch {
            if json && !firstResult {
                // Results already streamed: close the document, so what a script reads is still
                // valid JSON and says why it stops early.
                let failure = OrderedJSON.object([("exit_code", .integer(Int64(error.exitCode))), ("message", .string(error.description))])
                output.writeLine("\n], \"error\": \(failure.serialized)}")
            }
            output.flush()
            printError(error.description)
            throw ExitCode(error.exitCode)
        }

        for record in source.skipped { printError("skipped \(record.description)") }
        if source.counts.skipped > source.skipped.count {
            printError("skipped \(source.counts.skipped - source.skipped.count) more bad records")
        }
        if json {
            let totals = DryRunText.totalsJSON(tally, evaluator).serialized
            let skipped = skipBad ? ", \"skipped_records\": \(source.counts.skipped)" : ""
            output.writeLine(summary ? "{\"totals\": \(totals)\(skipped)}" : (firstResult ? "{\"results\": [" : "") + "\n], \"totals\": \(totals)\(skipped)}")
        } else {
            for line in DryRunText.totals(tally, evaluator) { output.writeLine(line) }
            if source.counts.notIP > 0 { output.writeLine("\(source.counts.notIP) frames without IP were not evaluated") }
            if source.counts.skipped > 0 { output.writeLine("\(source.counts.skipped) bad records skipped (named on standard error)") }
        }
        output.flush()
        if tally.hasMismatches { throw ExitCode.foundDifference }
    }
}

extension InputInterface.Kind: ExpressibleByArgument {}
