import ArgumentParser
import Glibc
import SpoofGuard
import SpoofGuardNetlink
import SpoofGuardRuntime

struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Load the policy into the kernel atomically; report whether anything changed.",
        discussion: """
        Compiles POLICY, reads spoofguard's table back and, when it differs, replaces it in one \
        nf_tables transaction; success is reported only after the table read back equals the policy. \
        Only spoofguard's own table is ever created, replaced or deleted: spoofguard marks every table it \
        writes (the table comment "managed by spoofguard") and refuses (exit 69) to replace an existing \
        table of the policy's name without that mark, in any family it manages, unless --adopt; a table \
        made by an earlier spoofguard (no mark, but exactly what spoofguard compiles) is taken over with a note.
        """)

    @Argument(help: "Policy file (JSON), or - for standard input.") var policy: String
    @OptionGroup var namespace: NamespaceOption
    @Flag(help: "Let the kernel validate the transaction without committing it (as `nft -c`).") var check = false
    @OptionGroup var output: JSONOption
    var json: Bool { output.json }
    @Flag(help: "Take over an existing table of the policy's name that spoofguard did not create (it lacks the ownership mark): its contents are replaced and it is marked from then on.")
    var adopt = false
    @Option(help: ArgumentHelp("Restore the previous table (or remove it if there was none) after SECONDS unless `spoofguard confirm` runs first.",
                               valueName: "SECONDS")) var revertAfter: UInt32?
    @Flag(help: "Keep what a pending `apply --revert-after` loaded (as `spoofguard confirm` does) and apply over it; without this, apply refuses while a revert is pending.")
    var confirm = false
    @OptionGroup var runtime: RuntimeDirectoryOption

    func validate() throws {
        if revertAfter == 0 { throw ValidationError("--revert-after needs at least 1 second") }
        if revertAfter != nil && check {
            throw ValidationError("--revert-after and --check exclude each other: a check commits nothing")
        }
        if revertAfter != nil && confirm {
            throw ValidationError("--revert-after and --confirm exclude each other: run `spoofguard confirm` first, then apply --revert-after")
        }
    }

    func run() throws {
        let input = try PolicyBytes(readingOrExit: self.policy)
        if try applyUnchangedByRecord(input) { return }
        // Started before the policy is decoded, to overlap it (after the policy proof, which
        // needs no probe and would only share the cores with it); its answer (or error) is
        // taken where apply would have probed. Nothing it does commits anything.
        let probe = BackgroundFeatureProbe(namespace: namespace.namespace)
        let policy = try input.decodeOrExit()
        let ruleset = Compiler.compile(policy)
        let report: ApplyReport
        let pending = try revertAfter.map { try startRevertTimer(table: policy.table, seconds: $0) }
        // A plain apply holds the pending-revert lock while it applies, so that no revert
        // timer starts underneath it, and refuses while one is pending: the revert would
        // silently undo it at the deadline.
        let held = (pending == nil && !check) ? try holdAgainstPendingRevert(table: policy.table) : nil
        defer { held?.release() }
        do {
            let kernel = try namespace.kernel()
            let records = RecordedElements(runtime: runtime, kernel: kernel, table: policy.table)
            report = try kernel.apply(ruleset, check: check, adopt: adopt, probe: probe, record: records.loaded)
            records.keep(RecordedPolicy.proving(report.record, policy: input, ruleset: ruleset, table: policy.table, kernel: kernel,
                                                 readBack: report.readBack),
                         create: !check)
        } catch {
            // An ApplyError means the transaction may have been committed (outcome unknown, or
            // read back different): keep the revert armed. Anything else changed nothing.
            if error is ApplyError, let revertAfter {
                printError("spoofguard: the revert stays armed: the previous table returns in \(revertAfter) s unless `spoofguard confirm` runs")
            } else {
                pending?.cancel()
            }
            throw KernelFailure.exit(for: error)
        }
        // Nothing changed, nothing to revert.
        if !report.changed { pending?.cancel() }
        printReport(report, table: policy.table, revertsIn: report.changed ? revertAfter : nil, policyProvenBy: .decode)
    }

    /// The unchanged apply that neither decodes nor compiles: the element record proves these
    /// policy bytes, compiled by this build, loaded, and nothing was committed since
    /// (`RecordedPolicy`). Not with --revert-after, whose timer must read the tables before
    /// anything else (an unchanged apply then cancels it); the full path handles that. The
    /// pending-revert hold is taken as the full path takes it, and released before it runs
    /// when the record does not hold. Returns whether it answered.
    func applyUnchangedByRecord(_ input: PolicyBytes) throws -> Bool {
        guard revertAfter == nil else { return false }
        let kernel: NetfilterKernel
        do { kernel = try namespace.kernel() } catch { return false }
        guard let found = RecordedPolicy.candidate(for: input, runtime: runtime, kernel: kernel),
              let proof = found.record.policy else { return false }
        let (table, record) = found
        let held = check ? nil : try holdAgainstPendingRevert(table: table)
        defer { held?.release() }
        guard kernel.stillHolds(record, table: table) else { return false }
        var report = ApplyReport(unchangedBy: record, proof: proof, table: table, checked: check)
        if json {
            // `kernel_features` as the full path reports it; a failing probe is the full path's to report.
            guard let features = try? kernel.features() else { return false }
            report.kernelFeatures = features
        }
        printReport(report, table: table, revertsIn: nil, policyProvenBy: .record)
        return true
    }

    func printReport(_ report: ApplyReport, table: String, revertsIn: UInt32?, policyProvenBy: PolicyProvenBy) {
        if json {
            printJSON { json in
                json.member("changed", report.changed)
                json.member("checked", report.checked)
                json.member("table", table)
                json.member("tables", strings: report.tables)
                json.member("rules", report.rules)
                json.member("elements", report.elements)
                json.member("messages", report.messages)
                json.member("revert_after", revertsIn)
                // Tables without the ownership mark that were taken over, e.g. "inet filter".
                json.member("adopted", strings: report.claims.map { "\($0.family.rawValue) \($0.name)" })
                json.key("kernel_features")
                if let features = report.kernelFeatures { json.write(features.json) } else { json.null() }
                // "dump", "record" (nothing committed since the element record) or "commit" (this
                // apply's own); null when no elements were proven (a check of a change).
                json.member("elements_proven_by", report.elementsProvenBy?.rawValue)
                // "decode", or "record" when the element record's policy proof stood in for
                // decoding and compiling the policy.
                json.member("policy_proven_by", policyProvenBy.rawValue)
            }
            return
        }
        for claim in report.claims { print("note: " + claim.describe(checked: check)) }
        let what = "\(report.tables.joined(separator: ", ")): \(report.rules) rules, \(report.elements) set elements"
        if check {
            print(report.messages == 0 ? "unchanged: the kernel already holds the policy (\(what))"
                                       : "check passed: the kernel accepts the transaction (\(what)); nothing was committed")
        } else {
            print(report.changed ? "applied \(what)" : "unchanged: the kernel already holds the policy (\(what))")
            if let revertsIn {
                print("reverting in \(revertsIn) s unless `spoofguard confirm\(confirmArguments)` runs first")
            }
        }
    }

    func holdAgainstPendingRevert(table: String) throws -> PendingRevertHold? {
        try holdingAgainstPendingRevert(runtime: runtime, namespace: namespace, table: table, confirm: confirm, action: "apply",
                                        withConfirm: "keep what is loaded and apply over it")
    }

    var confirmArguments: String { namespace.confirmArguments }

    /// Starts the detached `revert-pending` process and waits until it has read the current
    /// tables and recorded the pending state; only then may the apply go ahead. The pending
    /// lock is taken here and handed to that process, which holds it until it ends.
    func startRevertTimer(table: String, seconds: UInt32) throws -> RevertProcess {
        guard let state = try runtime.pendingRevert(namespace: namespace, table: table, create: true) else {
            preconditionFailure("created when absent")
        }
        let lock: FileLock
        switch try exitingOnRuntimeError({ () throws(RuntimeError) in try state.acquire() }) {
        case .pending(let record?):
            printError("spoofguard: an earlier apply --revert-after is still pending for table \(table.terminalEscaped) (revert process \(record.process.pid)); run `spoofguard confirm\(confirmArguments)` or wait for it to revert")
            throw ExitCode.unavailable
        case .pending(nil):
            printError("spoofguard: another apply of table \(table.terminalEscaped) is in progress (or an apply --revert-after is starting); nothing applied: run this again when it has finished")
            throw ExitCode.unavailable
        case .acquired(let taken, let stale):
            if let stale {
                printError("spoofguard: removed a stale pending-revert record: its revert process \(stale.process.pid) is gone")
            }
            lock = taken
        }
        var arguments = ["revert-pending", "--table", table, "--seconds", String(seconds),
                         "--runtime-dir", state.directory.path, "--lock-descriptor", String(RevertProcess.lockDescriptor)]
        if let netns = namespace.netns { arguments += ["--netns", netns] }
        let started = try exitingOnRuntimeError { () throws(RuntimeError) in try RevertProcess.start(arguments, lock: lock, state: state) }
        if case let .failed(code, message) = started.report {
            // The timer's exit code is this command's.
            printError("spoofguard: could not start the revert timer, nothing applied: \(message.terminalEscaped)")
            throw ExitCode(code ?? ExitCode.osError.rawValue)
        }
        return started.process
    }
}
