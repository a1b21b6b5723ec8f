import ArgumentParser
import FoundationEssentials
import Glibc
import SpoofGuard
import SpoofGuardNetlink
import SpoofGuardRuntime

/// The detached process behind `apply --revert-after`: it inherits the pending-revert lock from
/// `apply` (and holds it until it exits, which is what "pending" means), reads the tables as
/// they are *before* the apply, records who it is and what it restores, tells its parent it is
/// ready, sleeps the window and restores them unless `confirm` removed the record first.
/// Its first line on standard output is `ready`, or `error CODE MESSAGE` (CODE the exit status
/// `apply` should give).
struct RevertPendingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revert-pending",
        abstract: "Internal: the timer behind apply --revert-after.",
        shouldDisplay: false)

    @Option var table: String
    @Option var seconds: UInt32
    @Option(help: "The descriptor of the pending-revert lock, held by `apply`.") var lockDescriptor: Int32
    @OptionGroup var runtime: RuntimeDirectoryOption
    @OptionGroup var namespace: NamespaceOption

    func run() throws {
        // Its own session: closing the operator's SSH session (SIGHUP) must not cancel the revert.
        _ = setsid()
        signal(SIGHUP, SIG_IGN)
        // The spawning thread's blocked signals are inherited; `confirm` ends this process with
        // SIGTERM, so it must not stay blocked.
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)
        let lock = FileLock(adopting: lockDescriptor)
        let pending: PendingRevert
        let previous: Ruleset
        do {
            // The lock is the parent's open file description: taking it again succeeds only
            // when this descriptor really holds it.
            guard try lock.tryLock() else { throw RuntimeError(.system, "the pending-revert lock was not handed over") }
            guard let directory = try RuntimeDirectory.open(RuntimeDirectory.path(given: runtime.runtimeDir), create: false) else {
                throw RuntimeError(.system, "the runtime directory vanished")
            }
            pending = PendingRevert(directory: directory, namespace: try FileIdentity.networkNamespace(path: namespace.namespace?.path), table: table)
            previous = try namespace.kernel().read(tablesNamed: [table])
            guard let me = ProcessIdentity.current() else { throw RuntimeError(.system, "cannot read /proc/self") }
            let deadline = Date().addingTimeInterval(TimeInterval(seconds))
            try pending.write(.init(process: me, table: table, netns: namespace.netns, namespace: pending.namespace,
                                    deadline: deadline.formatted(.iso8601), previous: NftTextRenderer.listing(previous)))
        } catch {
            let code = KernelFailure.exitCode(for: error).rawValue
            writeAll(STDOUT_FILENO, RevertProcess.Report.errorLine(exitCode: code, message: "\(error)") + "\n")
            throw ExitCode(code)
        }
        writeAll(STDOUT_FILENO, RevertProcess.Report.readyLine + "\n")
        // Nobody reads on: the parent has gone and its pipe would raise SIGPIPE.
        let null = open("/dev/null", O_RDWR)
        dup2(null, STDIN_FILENO); dup2(null, STDOUT_FILENO); dup2(null, STDERR_FILENO)
        var remaining = seconds
        while remaining > 0 { remaining = sleep(remaining) }
        guard pending.claim() else { return }  // confirmed (or cancelled) in time
        do {
            let kernel = try NetfilterKernel(namespace: namespace.namespace)
            try Revert.restore(previous, tableNames: [table], in: kernel)
        } catch {
            // Nobody is watching this process: leave the failure where an operator looks.
            let report = "spoofguard: the revert of table \(table) failed: \(error)\nit was to restore:\n\(NftTextRenderer.listing(previous))"
            try? pending.directory.writeAtomically(pending.failureReportName, Array(report.utf8))
            throw ExitCode.failure
        }
        withExtendedLifetime(lock) {}
    }
}
