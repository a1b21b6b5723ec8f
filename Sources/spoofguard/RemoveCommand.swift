import ArgumentParser
import SpoofGuard
import SpoofGuardNetlink

struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Delete spoofguard's table (in every family); nothing else is touched. An absent table is success.",
        discussion: """
        A table of that name without spoofguard's ownership mark (the table comment "managed by spoofguard") \
        is another tool's: remove refuses it (exit 69) and deletes nothing, unless --adopt. A table made by an \
        earlier spoofguard (no mark, but exactly what spoofguard compiles) is removed with a note.
        """)

    @Option(help: "Name of spoofguard's table.") var table = "spoofguard"
    @OptionGroup var namespace: NamespaceOption
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Delete the table even though spoofguard did not create it (it lacks the ownership mark).") var adopt = false

    func run() throws {
        let removal: RemovalReport
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
