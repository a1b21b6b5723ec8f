import ArgumentParser
import SpoofGuard
import SpoofGuardNetlink

struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Delete spoofguard's table (in every family); nothing else is touched. An absent table is success.")

    @Option(help: "Name of spoofguard's table.") var table = "spoofguard"
    @OptionGroup var namespace: NamespaceOption
    @Flag(help: "Print JSON.") var json = false

    struct Report: Encodable {
        var table: String
        var removed: [String]
    }

    func run() throws {
        let families: [TableFamily]
        do {
            families = try namespace.kernel().remove(tableNamed: table)
        } catch {
            throw KernelFailure.exit(for: error)
        }
        if json {
            try printJSON(Report(table: table, removed: families.map(\.rawValue)))
        } else if families.isEmpty {
            print("table \(table): not loaded, nothing to remove")
        } else {
            print("removed table \(table) (\(families.map(\.rawValue).joined(separator: ", ")))")
        }
    }
}
