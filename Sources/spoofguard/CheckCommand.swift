import ArgumentParser
import FoundationEssentials
import Glibc
import SpoofGuard

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a policy and print every problem with its JSON path.",
        discussion: """
            Prints "POLICY: OK" and a one-line summary on standard output, or one line per \
            problem ("POLICY: $.path: message") on standard error. With --json the result \
            goes to standard output either way. Exit 0 when valid, 65 when invalid, 66 when \
            the file cannot be read. A valid policy whose table name other tools use (filter, nat, \
            firewalld, fw4, docker and others) gets a warning on standard error ("warnings" in JSON); the exit stays 0.
            """
    )

    @Argument(help: "The policy file, or - for standard input.")
    var policy: String

    @OptionGroup var output: JSONOption
    var json: Bool { output.json }

    func run() throws {
        let source = policy == "-" ? "<stdin>" : policy
        switch Result(catching: { () throws(PolicyError) in try Policy.load(from: policy) }) {
        case .success(let loaded):
            let warnings = [CommonTableNames.warning(for: loaded)].compactMap { $0 }
            if json {
                try printJSON(CheckReport(policy: source, valid: true, summary: loaded.summary, problems: [],
                                          warnings: warnings.map(CheckReport.Problem.init)))
            } else {
                printEscaped("\(source): OK")
                print(loaded.summary.terminalEscapedLines)
                for warning in warnings { printError("\(source): \(warning)".terminalEscaped) }
            }
        case .failure(let error):
            if json {
                try printJSON(CheckReport(policy: source, valid: false, summary: nil,
                                          problems: error.problems.map(CheckReport.Problem.init),
                                          omittedProblems: error.omittedProblemCount))
            } else {
                printError(error.description)
            }
            throw ExitCode(error.exitCode)
        }
    }

    private func printJSON(_ report: CheckReport) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }
}

/// `check --json`: `{"policy", "valid", "summary", "problems": [{"path", "message", "line", "column"}], "omittedProblems"}`.
struct CheckReport: Encodable {
    struct Problem: Encodable {
        var path: String
        var message: String
        var line: Int?
        var column: Int?

        init(_ problem: PolicyProblem) {
            path = problem.path
            message = problem.message
            line = problem.line
            column = problem.column
        }
    }

    var policy: String
    var valid: Bool
    var summary: String?
    var problems: [Problem]
    var omittedProblems = 0
    /// Problems that do not make the policy invalid (a table name other tools use).
    var warnings: [Problem] = []
}
