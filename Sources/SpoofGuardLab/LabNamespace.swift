import CSpoofGuardLab
import SpoofGuardSystem
import Dispatch
import Glibc
import SpoofGuardRuntime
import Synchronization

/// A named network namespace (a bind mount under /run/netns, as `ip netns` makes), owned by
/// this process: registered for deletion on exit, SIGINT and SIGTERM, and marked as alive by a
/// lock file (`labs/<name>.lock` in spoofguard's runtime directory) that this process holds
/// flock'ed from before the namespace exists until it is deleted. The kernel drops the lock
/// when the process dies, however it dies, and the lock means the same in every PID namespace:
/// a sweeper removes a lab only when it can take its lock, never because a pid looks unused.
public final class LabNamespace: Sendable {
    public static let directory = "/run/netns"
    /// Every lab namespace starts with this; the sweeper removes stale ones by it.
    public static let labPrefix = "sg-lab-"

    public let name: String
    public var path: String { Self.directory + "/" + name }
    private let lock: FileLock
    private let locks: RuntimeDirectory

    /// Creates `sg-lab-<pid>-<n>-<random>-<role>` (the random part: pids repeat across PID namespaces).
    public init(role: String) throws(LabError) {
        CleanupRegistry.shared.installSignalHandlers()
        let number = Self.counter.add(1, ordering: .relaxed).newValue
        name = "\(Self.labPrefix)\(getpid())-\(number)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))-\(role)"
        locks = try Self.lockDirectory()
        do {
            lock = try locks.createHeldLock(name + ".lock")
        } catch {
            throw error.kind == .permissionDenied ? .permissionDenied("creating \(locks.path)/\(name).lock") : .unexpected("\(error)")
        }
        CleanupRegistry.shared.register(path: Self.directory + "/" + name)
        do {
            try Subprocess.run(["ip", "netns", "add", name])
        } catch {
            CleanupRegistry.shared.unregister(path: path)
            locks.remove(name + ".lock")
            throw error.isPermissionDenied ? .permissionDenied("creating network namespace \(name)") : error
        }
    }

    /// `labs/` in spoofguard's runtime directory ($SPOOFGUARD_RUNTIME_DIR or /run/spoofguard),
    /// both checked as `RuntimeDirectory` checks them.
    public static func lockDirectory() throws(LabError) -> RuntimeDirectory {
        do throws(RuntimeError) {
            guard let runtime = try RuntimeDirectory.open(RuntimeDirectory.path(given: nil), create: true) else {
                throw RuntimeError(.system, "the runtime directory vanished")
            }
            return try runtime.subdirectory("labs")
        } catch {
            if error.kind == .permissionDenied { throw .permissionDenied(error.message) }
            throw .unexpected("\(error)")
        }
    }

    private static let counter = Atomic<Int>(0)

    /// Runs `body` on a thread inside this namespace (see `NamespaceThread`).
    public func run<T>(_ body: () throws -> T) throws -> T {
        try NamespaceThread.run(inNetworkNamespace: path, failure: { LabError(namespaceThread: $0, path: path) }, body)
    }

    /// Removes the namespace file (the namespace itself dies with its last socket), then its lock file.
    public func delete() {
        _ = sg_lab_remove_namespace_file(path)
        CleanupRegistry.shared.unregister(path: path)
        locks.remove(name + ".lock")
    }

    /// Deletes the lab namespaces whose lock nobody holds (left by a killed run), and lock
    /// files whose namespace is gone. A namespace without a lock file (made by a spoofguard
    /// before locks, or by hand) is left alone: nothing proves its owner has gone.
    /// Returns the names of the namespaces removed.
    @discardableResult
    public static func sweepStale() -> [String] {
        guard let locks = try? lockDirectory() else { return [] }
        var removed: [String] = []
        for name in namespaceNames() where name.hasPrefix(labPrefix) {
            // Taken: its holder has gone. Held while the namespace is deleted, then unlinked.
            guard let lock = try? locks.takeAbandonedLock(name + ".lock") else { continue }
            if sg_lab_remove_namespace_file(directory + "/" + name) == 0 { removed.append(name) }
            locks.remove(name + ".lock")
            withExtendedLifetime(lock) {}
        }
        let present = Set(namespaceNames())
        for file in locks.names() where file.hasSuffix(".lock") && !present.contains(String(file.dropLast(5))) {
            if let lock = try? locks.takeAbandonedLock(file) {
                locks.remove(file)
                withExtendedLifetime(lock) {}
            }
        }
        return removed
    }

    static func namespaceNames() -> [String] {
        var names: [String] = []
        if let listing = opendir(directory) {
            while let entry = readdir(listing) {
                names.append(withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })
            }
            closedir(listing)
        }
        return names
    }
}

/// Namespace files to delete when the process is interrupted. A signal handler cannot run
/// arbitrary code, so SIGINT/SIGTERM are received on a dispatch queue, which deletes every
/// registered namespace and then exits with the conventional 128 + signal status.
final class CleanupRegistry: @unchecked Sendable {
    static let shared = CleanupRegistry()

    // Guarded by `queue` (a serial dispatch queue rather than `Synchronization.Mutex`, whose
    // futex-based lock ThreadSanitizer cannot see: it reported the guarded accesses as races).
    private let queue = DispatchQueue(label: "spoofguard.lab.cleanup")
    private var paths: Set<String> = []
    private var installed: [DispatchSourceSignal] = []

    func register(path: String) { queue.sync { _ = paths.insert(path) } }
    func unregister(path: String) { queue.sync { _ = paths.remove(path) } }

    func removeAll() {
        let registered = queue.sync { paths }
        for path in registered { _ = sg_lab_remove_namespace_file(path) }
        queue.sync { paths.removeAll() }
    }

    func installSignalHandlers() {
        queue.sync {
            guard installed.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { [self] in
                    removeAll()
                    exit(128 + signalNumber)
                }
                source.resume()
                installed.append(source)
            }
        }
    }
}
