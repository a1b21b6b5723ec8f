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
    @OptionGroup var output: JSONOption
    var json: Bool { output.json }
    @OptionGroup var runtime: RuntimeDirectoryOption

    func run() throws {
        let policy = try loadPolicyOrExit(self.policy)
        let ruleset = Compiler.compile(policy)
        let diff: RulesetDiff
        let loaded: RecordedRead
        do {
            let kernel = try namespace.kernel()
            let records = RecordedElements(runtime: runtime, kernel: kernel, table: policy.table)
            loaded = try kernel.read(tablesNamed: [policy.table], expecting: ruleset, record: records.loaded)
            records.keep(loaded.record, create: false)
            diff = RulesetDiff(expected: ruleset, loaded: loaded.ruleset)
        } catch {
            throw KernelFailure.exit(for: error)
        }
        if json {
            printJSON { json in
                json.member("equal", diff.isEmpty)
                json.member("differences", strings: diff.lines)
                // "dump", or "record" when the element record proved the set elements.
                json.member("elements_proven_by", loaded.elementsProvenBy.rawValue)
            }
        } else if diff.isEmpty {
            print("the kernel matches the policy")
        } else {
            diff.lines.forEach { print($0.terminalEscaped) }
        }
        if !diff.isEmpty { throw ExitCode.foundDifference }
    }
}
