import ArgumentParser
import SpoofGuard
import SpoofGuardNetlink

struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Load the policy into the kernel atomically; report whether anything changed.",
        discussion: """
        Compiles POLICY, reads spoofguard's table back and, when it differs, replaces it in one \
        nf_tables transaction; success is reported only after the table read back equals the policy. \
        Only spoofguard's own table is ever created, replaced or deleted.
        """)

    @Argument(help: "Policy file (JSON), or - for standard input.") var policy: String
    @OptionGroup var namespace: NamespaceOption
    @Flag(help: "Let the kernel validate the transaction without committing it (as `nft -c`).") var check = false
    @Flag(help: "Print JSON.") var json = false

    struct Output: Encodable {
        var changed: Bool
        var checked: Bool
        var table: String
        var tables: [String]
        var rules: Int
        var elements: Int
        var messages: Int
    }

    func run() throws {
        let policy = try loadPolicyOrExit(self.policy)
        let ruleset = Compiler.compile(policy)
        let report: ApplyReport
        do {
            report = try namespace.kernel().apply(ruleset, check: check)
        } catch {
            throw KernelFailure.exit(for: error)
        }
        if json {
            try printJSON(Output(changed: report.changed, checked: report.checked, table: policy.table, tables: report.tables,
                                 rules: report.rules, elements: report.elements, messages: report.messages))
            return
        }
        let what = "\(report.tables.joined(separator: ", ")): \(report.rules) rules, \(report.elements) set elements"
        if check {
            print(report.messages == 0 ? "unchanged: the kernel already holds the policy (\(what))"
                                       : "check passed: the kernel accepts the transaction (\(what)); nothing was committed")
        } else {
            print(report.changed ? "applied \(what)" : "unchanged: the kernel already holds the policy (\(what))")
        }
    }
}
