import ArgumentParser
import SpoofGuard
import SpoofGuardNetlink

/// `spoofguard audit [POLICY] [--netns NAME|PATH] [--json] [--format text|json|prometheus]`
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Prove the loaded guard against the live links and sysctls, and list every way around it.",
        discussion: """
            Reads the namespace (links, default routes, receive-path sysctls, every nftables base chain, \
            spoofguard's table, iptables-legacy tables) without changing anything, proves the loaded table \
            on every live interface, and reports findings with a class, severity, why and fix. With POLICY, \
            the interfaces are classified by its patterns, drift from it is reported, and the table read \
            is the one it names (--table applies without POLICY). Exit status 0 \
            when no finding is an error, 1 otherwise.
            """)

    @Argument(help: "Policy file (JSON) the host should follow, or - for standard input; optional.") var policy: String?
    @OptionGroup var tableOption: TableOption
    @OptionGroup var namespace: NamespaceOption
    @OptionGroup var output: ReportFormatOption

    var table: String { tableOption.table }

    func run() throws {
        let loaded = try policy.map(loadPolicyOrExit)
        let snapshot: HostSnapshot
        do {
            snapshot = try HostReader.snapshot(namespace: namespace.namespace, guardTable: loaded?.table ?? table)
        } catch {
            throw KernelFailure.exit(for: error)
        }
        let report = Audit.run(snapshot, policy: loaded)
        switch output.selected {
        case .prometheus: print(report.prometheus, terminator: "")
        case .json: print(report.json.serialized)
        case .text: print(report.text)
        }
        if !report.ok { throw ExitCode.foundDifference }
    }
}
