import ArgumentParser
import SpoofGuard
import SpoofGuardNetlink

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show spoofguard's loaded table: hooks, guarded interfaces and prefixes, counters.")

    @Option(help: "Name of spoofguard's table.") var table = "spoofguard"
    @OptionGroup var namespace: NamespaceOption
    @Flag(help: "Print JSON (as --format json).") var json = false
    @Option(help: "Output: text, json, or prometheus (node_exporter textfile-collector metrics).") var format: StatusFormat = .text

    enum StatusFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json, prometheus
    }

    func run() throws {
        var status: LoadedGuard
        do {
            let kernel = try namespace.kernel()
            let loaded = try kernel.read(tablesNamed: [table])
            status = LoadedGuard(ruleset: loaded, existingInterfaces: try currentInterfaceNames(in: namespace.namespace))
            // A probe the kernel refuses (no CAP_NET_ADMIN) leaves the features out, not the status.
            status.kernelFeatures = try? kernel.features()
        } catch {
            throw KernelFailure.exit(for: error)
        }
        if format == .prometheus {
            print(PrometheusMetrics.render(status, table: table, families: NetfilterKernel.managedFamilies.map(\.rawValue)), terminator: "")
            return
        }
        if json || format == .json {
            var writer = JSONWriter()
            status.writeJSON(to: &writer)
            print(writer.text)
            return
        }
        guard status.present else {
            printEscaped("table \(table): not loaded")
            printInterfaces(status)
            return
        }
        for table in status.tables {
            printEscaped("table \(table.family) \(table.name)")
            if !table.marked {
                print("  no ownership mark (comment \"\(TableOwnership.mark)\"): apply and remove take it over only if an earlier "
                      + "spoofguard made it, or with --adopt")
            }
            if !table.guardedInterfaces.isEmpty { printEscaped("  guards interfaces: \(table.guardedInterfaces.joined(separator: ", "))") }
            if !table.excludedInterfaces.isEmpty { printEscaped("  guards every interface except: \(table.excludedInterfaces.joined(separator: ", "))") }
            printEscaped("  drops sources: \(Self.list(table.guardedSources))")
            printEscaped("  drops destinations: \(Self.list(table.guardedDestinations))")
            for set in table.sets {
                let shown = set.elements.prefix(8).joined(separator: ", ") + (set.elements.count > 8 ? ", …" : "")
                printEscaped("  set \(set.name) (\(set.type), \(set.elements.count) element\(set.elements.count == 1 ? "" : "s")): \(shown)")
            }
            for chain in table.chains {
                printEscaped("  chain \(chain.name)\(chain.hook.map { " — hook \($0)" } ?? "")")
                // The rule text is nft's listing, counts included.
                for rule in chain.rules { printEscaped("    \(rule.text)") }
            }
        }
        printInterfaces(status)
    }

    static func list(_ items: [String]) -> String {
        items.isEmpty ? "none" : items.prefix(8).joined(separator: ", ") + (items.count > 8 ? ", … (\(items.count) in all)" : "")
    }

    func printInterfaces(_ status: LoadedGuard) {
        if let features = status.kernelFeatures { print("kernel: \(features.summary)") }
        let guarded = status.interfaces.filter(\.guarded).map(\.name)
        let unguarded = status.interfaces.filter { !$0.guarded }.map(\.name)
        printEscaped("interfaces guarded now: \(guarded.isEmpty ? "none" : guarded.joined(separator: ", "))")
        printEscaped("interfaces not guarded: \(unguarded.isEmpty ? "none" : unguarded.joined(separator: ", "))")
    }
}
