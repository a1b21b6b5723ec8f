import ArgumentParser
import Glibc
import SpoofGuard
import SpoofGuardNetlink
import SpoofGuardRuntime

/// `--runtime-dir`, shared by the commands that keep state there: pending reverts, element records.
struct RuntimeDirectoryOption: ParsableArguments {
    @Option(help: "Directory of spoofguard's runtime state (pending reverts, element records), owned by root, mode 0700 (default: $SPOOFGUARD_RUNTIME_DIR or /run/spoofguard).")
    var runtimeDir: String?

    /// The pending-revert state of `table` in `namespace`; nil when the directory does not
    /// exist and `create` is false (then nothing can be pending). Exits 77 for a directory
    /// that cannot be trusted, 71 when a call fails.
    func pendingRevert(namespace: NamespaceOption, table: String, create: Bool) throws -> PendingRevert? {
        do {
            guard let directory = try RuntimeDirectory.open(RuntimeDirectory.path(given: runtimeDir), create: create) else { return nil }
            let identity = try FileIdentity.networkNamespace(path: namespace.namespace?.path)
            return PendingRevert(directory: directory, namespace: identity, table: table)
        } catch {
            printError("spoofguard: \(error)")
            throw KernelFailure.exitCode(for: error)
        }
    }
}

/// Refuses (69) while an `apply --revert-after` is pending: its revert would undo `action`
/// (an apply or a remove) at the deadline; `withConfirm` says what --confirm does instead.
/// `confirm` cancels the revert first. Returns the hold to `release` when done (nil when the
/// runtime directory does not exist: nothing can be pending).
func holdingAgainstPendingRevert(runtime: RuntimeDirectoryOption, namespace: NamespaceOption, table: String,
                                 confirm: Bool, action: String, withConfirm: String) throws -> PendingRevertHold? {
    guard let state = try runtime.pendingRevert(namespace: namespace, table: table, create: false) else { return nil }
    switch try exitingOnRuntimeError({ () throws(RuntimeError) in try state.shareForApply() }) {
    case .acquired(let lock, _):
        return PendingRevertHold(state: state, lock: lock)
    case .pending:
        guard confirm else {
            printError("spoofguard: an apply --revert-after is pending for table \(table.terminalEscaped): this \(action) would be undone at its deadline; run `spoofguard confirm\(namespace.confirmArguments)` first, or pass --confirm to \(withConfirm)")
            throw ExitCode.unavailable
        }
        if case .cancelled = try exitingOnRuntimeError({ () throws(RuntimeError) in try state.confirm() }) {
            printError("spoofguard: confirmed the pending apply --revert-after for table \(table.terminalEscaped); its revert is cancelled")
        }
        return nil
    }
}

/// A plain apply's or remove's shared hold on the pending-revert lock.
struct PendingRevertHold {
    let state: PendingRevert
    let lock: FileLock

    /// Ends the hold, removing the lock file when nobody else holds it.
    func release() { state.release(lock) }
}

extension NamespaceOption {
    /// ` --netns NAME` for a `spoofguard confirm` the user is told to run.
    var confirmArguments: String { netns.map { " --netns \($0.terminalEscaped)" } ?? "" }
}

/// Runs `body`, turning a RuntimeError into its message and exit code.
func exitingOnRuntimeError<T>(_ body: () throws(RuntimeError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        printError("spoofguard: \(error)")
        throw KernelFailure.exitCode(for: error)
    }
}

/// The restore a pending revert performs: the tables as they were, or none at all.
enum Revert {
    /// Puts `previous` back: re-applies it, or deletes the tables when there were none. The
    /// listing is restored exactly; counters carry over from the replaced table, not from before.
    static func restore(_ previous: Ruleset, tableNames: Set<String>, in kernel: NetfilterKernel) throws {
        if previous.tables.isEmpty {
            for name in tableNames.sorted() { try kernel.remove(tableNamed: name) }
        } else {
            // Tables of the same name in other families that the new policy added are stale
            // for `apply`, so it deletes them in the same transaction.
            try kernel.apply(previous)
        }
    }
}
