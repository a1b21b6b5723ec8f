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
        let input = try PolicyBytes(readingOrExit: self.policy)
        if equalByRecord(input) {
            printResult(equal: true, differences: [], elementsProvenBy: .record, policyProvenBy: .record)
            return
        }
        let policy = try input.decodeOrExit()
        let ruleset = Compiler.compile(policy)
        let diff: RulesetDiff
        let loaded: RecordedRead
        do {
            let kernel = try namespace.kernel()
            let records = RecordedElements(runtime: runtime, kernel: kernel, table: policy.table)
            loaded = try kernel.read(tablesNamed: [policy.table], expecting: ruleset, record: records.loaded)
            diff = RulesetDiff(expected: ruleset, loaded: loaded.ruleset)
            let proven = diff.isEmpty ? RecordedPolicy.proving(loaded.record, policy: input, ruleset: ruleset, table: policy.table, kernel: kernel)
                                      : loaded.record
            records.keep(proven, create: false)
        } catch {
            throw KernelFailure.exit(for: error)
        }
        printResult(equal: diff.isEmpty, differences: diff.lines, elementsProvenBy: loaded.elementsProvenBy, policyProvenBy: .decode)
        if !diff.isEmpty { throw ExitCode.foundDifference }
    }

    /// Whether the element record proves these policy bytes, compiled by this build, loaded
    /// with nothing committed since (`RecordedPolicy`): then neither decoding nor compiling is
    /// needed to say "equal". Anything else is the full comparison's to answer.
    func equalByRecord(_ input: PolicyBytes) -> Bool {
        guard let kernel = try? namespace.kernel(),
              let found = RecordedPolicy.candidate(for: input, runtime: runtime, kernel: kernel) else { return false }
        return kernel.stillHolds(found.record, table: found.table)
    }

    func printResult(equal: Bool, differences: [String], elementsProvenBy: ElementProofSource, policyProvenBy: PolicyProvenBy) {
        if json {
            printJSON { json in
                json.member("equal", equal)
                json.member("differences", strings: differences)
                // "dump", or "record" when the element record proved the set elements.
                json.member("elements_proven_by", elementsProvenBy.rawValue)
                // "decode", or "record" when the element record's policy proof stood in for
                // decoding and compiling the policy.
                json.member("policy_proven_by", policyProvenBy.rawValue)
            }
        } else if equal {
            print("the kernel matches the policy")
        } else {
            differences.forEach { print($0.terminalEscaped) }
        }
    }
}
