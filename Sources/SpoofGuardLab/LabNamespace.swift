import CSpoofGuardLab
import Dispatch
import Glibc
import Synchronization

/// A named network namespace (a bind mount under /run/netns, as `ip netns` makes), owned by
/// this process: registered for deletion on exit, SIGINT and SIGTERM.
public final class LabNamespace: Sendable {
    public static let directory = "/run/netns"
    /// Every lab namespace starts with this; the sweeper removes stale ones by it.
    public static let labPrefix = "sg-lab-"

    public let name: String
    public var path: String { Self.directory + "/" + name }

    /// Creates `sg-lab-<pid>-<n>-<role>`.
    public init(role: String) throws(LabError) {
        CleanupRegistry.shared.installSignalHandlers()
        let number = Self.counter.add(1, ordering: .relaxed).newValue
        name = "\(Self.labPrefix)\(getpid())-\(number)-\(role)"
        CleanupRegistry.shared.register(path: Self.directory + "/" + name)
        do {
            try Subprocess.run(["ip", "netns", "add", name])
        } catch {
            CleanupRegistry.shared.unregister(path: path)
            throw error.isPermissionDenied ? .permissionDenied("creating network namespace \(name)") : error
        }
    }

    private static let counter = Atomic<Int>(0)

    /// Runs `body` on a thread inside this namespace (see `NamespaceThread`).
    public func run<T>(_ body: () throws -> T) throws -> T {
        try NamespaceThread.run(in: path, body)
    }

    /// Removes the namespace file; the namespace itself dies with its last socket.
    public func delete() {
        _ = sg_lab_remove_namespace_file(path)
        CleanupRegistry.shared.unregister(path: path)
    }

    /// Deletes `sg-lab-<pid>-…` namespaces whose process no longer exists (left by a killed run).
    /// Returns the names removed.
    @discardableResult
    public static func sweepStale() -> [String] {
        var names: [String] = []
        if let listing = opendir(directory) {
            while let entry = readdir(listing) {
                names.append(withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })
            }
            closedir(listing)
        }
        var removed: [String] = []
        for name in names where name.hasPrefix(labPrefix) {
            let pidText = name.dropFirst(labPrefix.count).prefix { $0.isNumber }
            guard let pid = pid_t(pidText), pid != getpid() else { continue }
            if kill(pid, 0) == 0 || errno == EPERM { continue }   // still running
            if sg_lab_remove_namespace_file(directory + "/" + name) == 0 { removed.append(name) }
        }
        return removed
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
