import ArgumentParser
import SpoofGuard
import SpoofGuardNetlink

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show spoofguard's loaded table: hooks, guarded interfaces and prefixes, counters.",
        discussion: "Address sets are named, not listed, unless --elements: the kernel's dump of a large interval set is slow (quadratic in its size).")

    @OptionGroup var tableOption: TableOption
    @OptionGroup var namespace: NamespaceOption
    @OptionGroup var output: ReportFormatOption
    @Flag(help: "List the elements of the address sets too (guarded prefixes); slow for large sets.") var elements = false

    var table: String { tableOption.table }

    func run() throws {
        var status: LoadedGuard
        do {
            let kernel = try namespace.kernel()
            let loaded = try elements ? kernel.read(tablesNamed: [table]) : kernel.readWithoutAddressElements(tablesNamed: [table])
            status = LoadedGuard(ruleset: loaded, existingInterfaces: try currentInterfaceNames(in: namespace.namespace),
                                 addressElementsRead: elements)
            // A probe the kernel refuses (no CAP_NET_ADMIN) leaves the features out, not the status.
            status.kernelFeatures = try? kernel.features()
        } catch {
            throw KernelFailure.exit(for: error)
        }
        if output.selected == .prometheus {
            print(PrometheusMetrics.render(status, table: table, families: NetfilterKernel.managedFamilies.map(\.rawValue)), terminator: "")
            return
        }
        if output.selected == .json {
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
                guard let elements = set.elements else {
                    printEscaped("  set \(set.name) (\(set.type)): elements not listed (--elements lists them)")
                    continue
                }
                let shown = elements.prefix(8).joined(separator: ", ") + (elements.count > 8 ? ", …" : "")
                printEscaped("  set \(set.name) (\(set.type), \(elements.count) element\(elements.count == 1 ? "" : "s")): \(shown)")
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
