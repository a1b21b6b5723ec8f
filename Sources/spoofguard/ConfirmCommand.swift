import ArgumentParser
import Glibc
import SpoofGuard

struct ConfirmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm",
        abstract: "Keep the ruleset of a pending `apply --revert-after`: cancel its revert.",
        discussion: "Succeeds also when nothing is pending, and says so (the window may already have passed).")

    @Option(help: "Name of spoofguard's table.") var table = "spoofguard"
    @OptionGroup var namespace: NamespaceOption
    @Option(help: "Directory of pending reverts (default: $SPOOFGUARD_RUNTIME_DIR or /run/spoofguard).") var runtimeDir: String?
    @Flag(help: "Print JSON.") var json = false

    struct Report: Encodable {
        var table: String
        var confirmed: Bool
    }

    func run() throws {
        let file = PendingRevertFile(directory: runtimeDir, netns: namespace.netns, table: table)
        let record = file.read()
        let confirmed = file.claim()
        // The timer would find no state and exit anyway; ending it now leaves no process behind.
        if confirmed, let pid = record?.pid, pid > 1 { kill(pid, SIGTERM) }
        if json {
            try printJSON(Report(table: table, confirmed: confirmed))
        } else if confirmed {
            print("confirmed: table \(table) stays as applied; the pending revert is cancelled")
        } else {
            print("nothing pending for table \(table) (no apply --revert-after, already confirmed, or already reverted)")
        }
    }
}
