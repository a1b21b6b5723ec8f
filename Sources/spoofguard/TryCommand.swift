import ArgumentParser
import FoundationEssentials
import Glibc
import SpoofGuard
import SpoofGuardLab

struct TryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "try",
        abstract: "Hold the evaluator's predictions against a real kernel in throwaway namespaces.",
        discussion: """
            Builds two fresh network namespaces with veth links named after the policy's \
            interfaces, loads the policy there over netlink, injects the packets of --packets \
            (or --count random packets from --seed) as real frames, and compares, packet by \
            packet, the evaluator's prediction with the kernel's counters. Never touches the \
            host's own namespace; cleans up on exit and on SIGINT/SIGTERM. Needs CAP_NET_ADMIN \
            and iproute2. Exit 0 when every packet agrees, 1 on any disagreement, 77 without \
            permission.
            """
    )

    @Argument(help: "The policy file, or - for standard input.")
    var policy: String

    @Option(help: "Packets to send (JSON, JSON lines, pcap, pcapng); their interfaces must be lab interfaces.")
    var packets: String?

    @Option(help: ArgumentHelp("How many random packets to generate when --packets is not given (1 to \(Self.maximumCount)).", valueName: "N"))
    var count = 1000

    /// Each generated packet is held in memory with its prediction, and sent as a real frame:
    /// a million takes minutes and ~150 MB; more is a typo, not a test.
    static let maximumCount = 1_000_000

    @Option(help: ArgumentHelp("The most packet data --packets reads from standard input, a pipe or a device, in MiB.", valueName: "MiB"))
    var maxStreamMib = PacketSource.defaultStreamLimit >> 20

    @Option(help: "Seed for the random packets (printed, so a run can be replayed).")
    var seed: UInt64?

    @OptionGroup var output: JSONOption
    var json: Bool { output.json }

    func validate() throws {
        guard (1...Self.maximumCount).contains(count) else {
            throw ValidationError("--count must be from 1 to \(Self.maximumCount), not \(count); for more, run try several times with different --seed values")
        }
        try validateStreamLimit(maxStreamMib)
    }

    func run() throws {
        let loaded = try loadPolicyOrExit(policy)
        var given: [Packet]?
        if let packets {
            do {
                given = try PacketSource.read(contentsOf: packets, streamLimit: maxStreamMib << 20).packets
            } catch {
                printError(error.description)
                throw ExitCode(error.exitCode)
            }
        }
        let seed = seed ?? UInt64.random(in: 0...UInt64.max)
        let outcome: TrySession.Outcome
        do {
            outcome = try TrySession(policy: loaded).run(packets: given, count: count, seed: seed,
                                                         driver: NetlinkRulesetDriver(),
                                                         predictor: Fate.evaluatorPredictions)
        } catch {
            printError("spoofguard try: \(error)")
            throw KernelFailure.exitCode(for: error)
        }
        if json {
            var writer = JSONWriter()
            TryReport(outcome).writeJSON(to: &writer)
            print(writer.text)
        } else {
            print(outcome.text.terminalEscapedLines)
        }
        if !outcome.report.isAgreement { throw ExitCode.foundDifference }
    }
}
