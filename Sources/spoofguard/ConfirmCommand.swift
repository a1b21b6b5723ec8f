import ArgumentParser
import Glibc
import SpoofGuard
import SpoofGuardRuntime

struct ConfirmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm",
        abstract: "Keep the ruleset of a pending `apply --revert-after`: cancel its revert.",
        discussion: """
            Succeeds also when nothing is pending, and says so (the window may already have passed). \
            The revert process is signalled only when it is the very process that recorded the \
            pending state (pid, start time and executable); a record whose process has gone is \
            stale, and removed.
            """)

    @OptionGroup var tableOption: TableOption
    @OptionGroup var namespace: NamespaceOption
    @OptionGroup var runtime: RuntimeDirectoryOption
    @OptionGroup var output: JSONOption


    var table: String { tableOption.table }
    var json: Bool { output.json }

    func run() throws {
        let outcome: PendingRevert.Confirmation
        if let pending = try runtime.pendingRevert(namespace: namespace, table: table, create: false) {
            outcome = try exitingOnRuntimeError { () throws(RuntimeError) in try pending.confirm() }
        } else {
            outcome = .nothingPending
        }
        let shownTable = table.terminalEscaped
        switch outcome {
        case .nothingPending:
            if !json { print("nothing pending for table \(shownTable) (no apply --revert-after, already confirmed, or already reverted)") }
        case .stale(let record):
            printError("spoofguard: removed a stale pending-revert record: its revert process \(record.map { String($0.process.pid) } ?? "?") is gone, so no revert was pending")
            if !json { print("nothing pending for table \(shownTable)") }
        case .cancelled(let record, let signalled):
            if !signalled {
                printError("spoofguard: the pending record names \(record.map { "process \($0.process.pid)" } ?? "no readable process"), which is not the running revert process: not signalled; the revert is cancelled all the same (its process finds no record at the deadline)")
            }
            if !json { print("confirmed: table \(shownTable) stays as applied; the pending revert is cancelled") }
        }
        if json {
            var confirmed = false, stale = false
            if case .cancelled = outcome { confirmed = true }
            if case .stale = outcome { stale = true }
            printJSON { json in
                json.member("table", table)
                json.member("confirmed", confirmed)
                json.member("stale", stale)
            }
        }
    }
}
