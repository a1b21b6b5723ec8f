import ArgumentParser
import SpoofGuard
import SpoofGuardNetlink

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare the kernel with the policy: exit 0 when they match, 1 with the differences.",
        discussion: "Lines start with - (in the policy, not loaded), + (loaded, not in the policy) or ~ (changed). Counters are ignored.")

    @Argument(help: "Policy file (JSON), or - for standard input.") var policy: String
    @OptionGroup var namespace: NamespaceOption
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let policy = try loadPolicyOrExit(self.policy)
        let ruleset = Compiler.compile(policy)
        let diff: RulesetDiff
        do {
            let loaded = try namespace.kernel().read(tablesNamed: [policy.table])
            diff = RulesetDiff(expected: ruleset, loaded: loaded)
        } catch {
            throw KernelFailure.exit(for: error)
        }
        if json {
            printJSON { json in
                json.member("equal", diff.isEmpty)
                json.member("differences", strings: diff.lines)
            }
        } else if diff.isEmpty {
            print("the kernel matches the policy")
        } else {
            diff.lines.forEach { print($0.terminalEscaped) }
        }
        if !diff.isEmpty { throw ExitCode.foundDifference }
    }
}
