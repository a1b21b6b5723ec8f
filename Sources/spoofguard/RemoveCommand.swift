import ArgumentParser
import SpoofGuard
import SpoofGuardNetlink
import SpoofGuardRuntime

struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Delete spoofguard's table (in every family); nothing else is touched. An absent table is success.",
        discussion: """
        A table of that name without spoofguard's ownership mark (the table comment "managed by spoofguard") \
        is another tool's: remove refuses it (exit 69) and deletes nothing, unless --adopt. A table made by an \
        earlier spoofguard (no mark, but exactly what spoofguard compiles) is removed with a note.
        """)

    @OptionGroup var tableOption: TableOption
    @OptionGroup var namespace: NamespaceOption
    @OptionGroup var output: JSONOption
    @Flag(help: "Delete the table even though spoofguard did not create it (it lacks the ownership mark).") var adopt = false
    @Flag(help: "Keep what a pending `apply --revert-after` loaded (as `spoofguard confirm` does) and remove it; without this, remove refuses while a revert is pending.")
    var confirm = false
    @OptionGroup var runtime: RuntimeDirectoryOption


    var table: String { tableOption.table }
    var json: Bool { output.json }

    func run() throws {
        let removal: RemovalReport
        // As apply: a pending revert would put the table back at its deadline.
        let held = try holdingAgainstPendingRevert(runtime: runtime, namespace: namespace, table: table, confirm: confirm, action: "remove",
                                               withConfirm: "cancel the revert and remove the table")
        defer { held?.release() }
        do {
            removal = try namespace.kernel().remove(tableNamed: table, adopt: adopt)
        } catch {
            throw KernelFailure.exit(for: error)
        }
        let families = removal.families
        if json {
            printJSON { json in
                json.member("table", table)
                json.member("removed", strings: families.map(\.rawValue))
                // Removed tables that had no ownership mark, e.g. "inet filter".
                json.member("adopted", strings: removal.claims.map { "\($0.family.rawValue) \($0.name)" })
            }
        } else if families.isEmpty {
            print("table \(table): not loaded, nothing to remove")
        } else {
            for claim in removal.claims { print("note: " + claim.describe()) }
            print("removed table \(table) (\(families.map(\.rawValue).joined(separator: ", ")))")
        }
    }
}
