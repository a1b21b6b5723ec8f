import Glibc
import SpoofGuardSystem
import SystemPackage

/// Why the lab could not be built, driven or read. Each case names what failed and how to fix it.
public enum LabError: Error, CustomStringConvertible, Sendable {
    /// The caller lacks CAP_NET_ADMIN (or cannot create namespaces).
    case permissionDenied(String)
    /// A system call failed.
    case system(call: String, errno: Errno, context: String)
    /// An external command (iproute2) failed or is missing.
    case command(arguments: [String], status: Int32, output: String)
    /// The kernel reported something the lab cannot interpret.
    case unexpected(String)

    public var description: String {
        switch self {
        case .permissionDenied(let what):
            return geteuid() == 0
                ? "permission denied: \(what); the kernel lab needs CAP_NET_ADMIN and CAP_SYS_ADMIN, which this root process lacks (dropped, or in a user namespace that does not own the network namespaces)"
                : "permission denied: \(what); the kernel lab needs CAP_NET_ADMIN (run as root or under `unshare -Urn`)"
        case let .system(call, code, context):
            return "\(call) failed for \(context): \(code) (errno \(code.rawValue))"
        case let .command(arguments, status, output):
            let trimmed = output.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()
            let shown = trimmed.isEmpty ? "" : ": " + String(trimmed)
            if status == 127 { return "`\(arguments.first ?? "")` is not installed; the kernel lab needs iproute2" }
            return "`\(arguments.joined(separator: " "))` exited with status \(status)\(shown)"
        case .unexpected(let what):
            return what
        }
    }

    public var isPermissionDenied: Bool {
        switch self {
        case .permissionDenied: true
        case .system(_, let code, _): code.isPermissionDenied
        case .command: reportedErrno?.isPermissionDenied ?? false
        case .unexpected: false
        }
    }

    /// The errno an external command reported: iproute2 prints strerror's text for the call that
    /// failed, which is read back here into the `Errno` (of those the lab acts on).
    public var reportedErrno: Errno? {
        guard case .command(_, _, let output) = self else { return nil }
        return [Errno.notPermitted, .permissionDenied].first { output.contains($0.description) }
    }

    /// A program the lab runs could not be started or reaped.
    init(_ failure: ChildProcess.Failure) {
        switch failure {
        case .notFound(let name): self = .command(arguments: [name], status: 127, output: "not found on PATH")
        case .temporaryFile: self = .unexpected(failure.description)
        case let .cannotStart(_, .directory(directory, code)):
            self = .system(call: "posix_spawn_file_actions_addchdir_np", errno: code, context: directory)
        case let .cannotStart(arguments, .spawn(_, code)): self = .command(arguments: arguments, status: 126, output: code.description)
        case let .cannotReap(arguments, code): self = .system(call: "wait4", errno: code, context: "`\(arguments[0])`")
        }
    }

    init(namespaceThread failure: NamespaceThread.Failure, path namespacePath: String) {
        switch failure {
        case let .open(path, code): self = .system(call: "open", errno: code, context: path)
        case let .enter(path, code) where code == .notPermitted: self = .permissionDenied("setns into \(path)")
        case let .enter(path, code): self = .system(call: "setns", errno: code, context: path)
        case let .startThread(code): self = .system(call: "pthread_create", errno: code, context: namespacePath)
        }
    }

    static func check(_ result: Int32, _ call: String, _ context: String) throws(LabError) -> Int32 {
        guard result >= 0 else {
            let code = Errno(rawValue: -result)
            if code.isPermissionDenied { throw .permissionDenied("\(call) for \(context)") }
            throw .system(call: call, errno: code, context: context)
        }
        return result
    }
}
