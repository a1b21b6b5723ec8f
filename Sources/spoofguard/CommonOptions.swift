import ArgumentParser
import SpoofGuard

/// `--json`: the one spelling of machine-readable output, on every command that can print JSON.
struct JSONOption: ParsableArguments {
    @Flag(help: "Print the result as JSON.") var json = false
}

/// `--json` or `--format`, for the commands with an output beside text and JSON (status and audit
/// also print Prometheus metrics). `--format json` is an alias of `--json`.
struct ReportFormatOption: ParsableArguments {
    enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json, prometheus
    }

    @OptionGroup var output: JSONOption
    @Option(help: "Output: text, json (the same as --json), or prometheus (node_exporter textfile-collector metrics).")
    var format: ReportFormat = .text

    func validate() throws {
        if output.json && format == .prometheus { throw ValidationError("--json and --format prometheus exclude each other") }
    }

    var selected: ReportFormat { output.json ? .json : format }
}

/// `--table`, for the commands that find spoofguard's table without a policy.
struct TableOption: ParsableArguments {
    @Option(help: "Name of spoofguard's table.") var table = Policy.defaultTable
}
