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
                printJSON(CheckReport(policy: source, valid: true, summary: loaded.summary, problems: [],
                                          warnings: warnings))
            } else {
                printEscaped("\(source): OK")
                print(loaded.summary.terminalEscapedLines)
                for warning in warnings { printError("\(source): \(warning)".terminalEscaped) }
            }
        case .failure(let error):
            if json {
                printJSON(CheckReport(policy: source, valid: false, summary: nil,
                                          problems: error.problems,
                                          omittedProblems: error.omittedProblemCount))
            } else {
                printError(error.description)
            }
            throw ExitCode(error.exitCode)
        }
    }

    private func printJSON(_ report: CheckReport) {
        var writer = JSONWriter()
        report.write(to: &writer)
        print(writer.text)
    }
}

/// `check --json`: `{"policy", "valid", "summary", "problems": [{"path", "message", "line", "column"}],
/// "omitted_problems", "warnings": [as problems]}`.
struct CheckReport {
    var policy: String
    var valid: Bool
    var summary: String?
    var problems: [PolicyProblem]
    var omittedProblems = 0
    /// Problems that do not make the policy invalid (a table name other tools use).
    var warnings: [PolicyProblem] = []

    func write(to writer: inout JSONWriter) {
        func problem(_ writer: inout JSONWriter, _ problem: PolicyProblem) {
            writer.member("path", problem.path)
            writer.member("message", problem.message)
            writer.member("line", problem.line)
            writer.member("column", problem.column)
        }
        writer.object { writer in
            writer.member("policy", policy)
            writer.member("valid", valid)
            writer.member("summary", summary)
            writer.member("problems", objects: problems, problem)
            writer.member("omitted_problems", omittedProblems)
            writer.member("warnings", objects: warnings, problem)
        }
    }
}
