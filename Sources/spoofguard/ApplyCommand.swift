import ArgumentParser
import Foundation
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
    @Option(help: ArgumentHelp("Restore the previous table (or remove it if there was none) after SECONDS unless `spoofguard confirm` runs first.",
                               valueName: "SECONDS")) var revertAfter: UInt32?
    @Option(help: "Directory of pending reverts (default: $SPOOFGUARD_RUNTIME_DIR or /run/spoofguard).") var runtimeDir: String?

    struct Output: Encodable {
        var changed: Bool
        var checked: Bool
        var table: String
        var tables: [String]
        var rules: Int
        var elements: Int
        var messages: Int
        var revertAfter: UInt32?
    }

    func validate() throws {
        if revertAfter == 0 { throw ValidationError("--revert-after needs at least 1 second") }
        if revertAfter != nil && check {
            throw ValidationError("--revert-after and --check exclude each other: a check commits nothing")
        }
    }

    func run() throws {
        let policy = try loadPolicyOrExit(self.policy)
        let ruleset = Compiler.compile(policy)
        let report: ApplyReport
        let pending = try revertAfter.map { try startRevertTimer(table: policy.table, seconds: $0) }
        do {
            report = try namespace.kernel().apply(ruleset, check: check)
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
        let revertsIn = report.changed ? revertAfter : nil
        if json {
            try printJSON(Output(changed: report.changed, checked: report.checked, table: policy.table, tables: report.tables,
                                 rules: report.rules, elements: report.elements, messages: report.messages,
                                 revertAfter: revertsIn))
            return
        }
        let what = "\(report.tables.joined(separator: ", ")): \(report.rules) rules, \(report.elements) set elements"
        if check {
            print(report.messages == 0 ? "unchanged: the kernel already holds the policy (\(what))"
                                       : "check passed: the kernel accepts the transaction (\(what)); nothing was committed")
        } else {
            print(report.changed ? "applied \(what)" : "unchanged: the kernel already holds the policy (\(what))")
            if let revertsIn {
                print("reverting in \(revertsIn) s unless `spoofguard confirm\(namespace.netns.map { " --netns \($0)" } ?? "")` runs first")
            }
        }
    }

    /// Starts the detached `revert-pending` process and waits until it has read the current
    /// tables and recorded the pending state; only then may the apply go ahead.
    func startRevertTimer(table: String, seconds: UInt32) throws -> PendingRevertTimer {
        let file = PendingRevertFile(directory: runtimeDir, netns: namespace.netns, table: table)
        if file.exists {
            printError("spoofguard: an earlier apply --revert-after is still pending (\(file.path)); run `spoofguard confirm` or wait for it to revert")
            throw ExitCode.unavailable
        }
        var arguments = ["revert-pending", "--table", table, "--seconds", String(seconds), "--runtime-dir", file.directory]
        if let netns = namespace.netns { arguments += ["--netns", netns] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        process.arguments = arguments
        let ready = Pipe()
        process.standardOutput = ready
        process.standardInput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = String(decoding: ready.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard line.hasPrefix("ready") else {
            printError("spoofguard: could not start the revert timer, nothing applied: \(line.trimmingCharacters(in: .whitespacesAndNewlines))")
            throw ExitCode.osError
        }
        return PendingRevertTimer(file: file, pid: process.processIdentifier)
    }
}

struct PendingRevertTimer {
    var file: PendingRevertFile
    var pid: Int32

    func cancel() {
        if file.claim() { kill(pid, SIGTERM) }
    }
}
