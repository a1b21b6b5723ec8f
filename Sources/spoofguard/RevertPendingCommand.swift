import ArgumentParser
import FoundationEssentials
import Glibc
import SpoofGuard
import SpoofGuardNetlink

/// The detached process behind `apply --revert-after`: it reads the tables as they are *before*
/// the apply, keeps them in memory, records the pending state, tells its parent it is ready,
/// sleeps the window and restores them unless `confirm` removed the state file first.
struct RevertPendingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revert-pending",
        abstract: "Internal: the timer behind apply --revert-after.",
        shouldDisplay: false)

    @Option var table: String
    @Option var seconds: UInt32
    @Option var runtimeDir: String?
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
        let file = PendingRevertFile(directory: runtimeDir, netns: namespace.netns, table: table)
        let previous: Ruleset
        do {
            previous = try namespace.kernel().read(tablesNamed: [table])
            let deadline = Date().addingTimeInterval(TimeInterval(seconds))
            try file.write(.init(pid: getpid(), table: table, netns: namespace.netns,
                                 deadline: deadline.formatted(.iso8601),
                                 previous: NftTextRenderer.listing(previous)))
        } catch {
            writeAll(STDOUT_FILENO, "error: \(error)\n")
            throw ExitCode.failure
        }
        writeAll(STDOUT_FILENO, "ready\n")
        // Nobody reads on: the parent has gone and its pipe would raise SIGPIPE.
        let null = open("/dev/null", O_RDWR)
        dup2(null, STDIN_FILENO); dup2(null, STDOUT_FILENO); dup2(null, STDERR_FILENO)
        var remaining = seconds
        while remaining > 0 { remaining = sleep(remaining) }
        guard file.claim() else { return }  // confirmed (or cancelled) in time
        do {
            let kernel = try NetfilterKernel(namespace: namespace.namespace)
            try Revert.restore(previous, tableNames: [table], in: kernel)
        } catch {
            // Nobody is watching this process: leave the failure where an operator looks.
            let report = "spoofguard: the revert of table \(table) failed: \(error)\nit was to restore:\n\(NftTextRenderer.listing(previous))"
            _ = FileManager.default.createFile(atPath: file.path + ".revert-failed", contents: Data(report.utf8))
            throw ExitCode.failure
        }
    }
}
