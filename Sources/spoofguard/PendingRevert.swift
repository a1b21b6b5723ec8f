import ArgumentParser
import Glibc
import SpoofGuard
import SpoofGuardNetlink
import SpoofGuardRuntime

/// `--runtime-dir`, shared by the commands that keep pending-revert state.
struct RuntimeDirectoryOption: ParsableArguments {
    @Option(help: "Directory of pending reverts, owned by root, mode 0700 (default: $SPOOFGUARD_RUNTIME_DIR or /run/spoofguard).")
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
            throw ExitCode(error.exitCode)
        }
    }
}

/// Runs `body`, turning a RuntimeError into its message and exit code.
func exitingOnRuntimeError<T>(_ body: () throws(RuntimeError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        printError("spoofguard: \(error)")
        throw ExitCode(error.exitCode)
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
