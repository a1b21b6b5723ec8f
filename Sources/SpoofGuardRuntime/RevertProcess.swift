import Glibc
import SpoofGuard
import SpoofGuardSystem
import SystemPackage

/// The detached process behind `apply --revert-after`, as the `apply` that starts it sees it,
/// and the one-line report by which it says it is ready: `ready`, or `error CODE MESSAGE` (CODE
/// the exit status `apply` should give). It inherits the pending-revert lock as descriptor
/// `lockDescriptor` and holds it for its whole life, which is what "pending" means.
public struct RevertProcess {
    public var state: PendingRevert
    /// This process's own child, unreaped: its pid cannot have been reused.
    public var pid: pid_t

    /// The descriptor the pending-revert lock has in the revert process.
    public static let lockDescriptor: Int32 = 3

    /// Cancels the revert (an apply that changed nothing, or failed before committing): whoever
    /// removes the record decides, so the process is signalled only when this call removed it.
    public func cancel() {
        if state.claim() { kill(pid, SIGTERM) }
    }

    /// What the revert process reported before it closed its standard output.
    public enum Report: Equatable, Sendable {
        case ready
        /// It could not start: `exitCode` (nil when the report was garbled) and its message.
        case failed(exitCode: Int32?, message: String)

        public init(parsing output: String) {
            if output.hasPrefix(Self.readyLine) { self = .ready; return }
            let parts = output.split(separator: " ", maxSplits: 2)
            let code = parts.count == 3 && parts[0] == "error" ? Int32(parts[1]) : nil
            self = .failed(exitCode: code, message: (parts.count == 3 ? String(parts[2]) : output).filter { !$0.isNewline })
        }

        /// The line the revert process writes when it is ready.
        public static let readyLine = "ready"

        /// The line it writes when it cannot start.
        public static func errorLine(exitCode: Int32, message: String) -> String { "error \(exitCode) \(message)" }
    }

    /// Starts this executable again with `arguments` (the `revert-pending` command line): stdin
    /// and stderr on /dev/null, stdout on a pipe, `lock` as descriptor `lockDescriptor` and
    /// nothing else open (it outlives this process: a pipe it kept open would make whoever reads
    /// that pipe wait for it). Reads the pipe until the child closes it. `.ready` carries the
    /// process to `cancel`; on `.failed` nothing is pending.
    public static func start(_ arguments: [String], lock: FileLock, state: PendingRevert) throws(RuntimeError) -> (report: Report, process: RevertProcess) {
        let executable: String
        do { executable = try Spawn.currentExecutable() } catch { throw RuntimeError(.system, "readlink /proc/self/exe: \(error)", errno: error) }
        return try start(executable: executable, arguments, lock: lock, state: state)
    }

    /// `start` with another executable (tests start a shell in its place).
    static func start(executable: String, _ arguments: [String], lock: FileLock, state: PendingRevert) throws(RuntimeError) -> (report: Report, process: RevertProcess) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            let code = Errno(rawValue: errno)
            throw RuntimeError(.system, "pipe: \(code)", errno: code)
        }
        // Neither end may leak into the child beyond the dup2 onto its stdout.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let pid: pid_t
        do {
            defer { close(ends[1]) }
            pid = try Spawn.start([executable] + arguments, standardOutput: .descriptor(ends[1]),
                                  passing: [(lock.descriptor, lockDescriptor)], closingInherited: true)
        } catch {
            close(ends[0])
            let code = switch error { case .spawn(_, let code), .directory(_, let code): code }
            throw RuntimeError(.system, "posix_spawn \(executable): \(code)", errno: code)
        }
        let output = Uninterrupted.readToEnd(ends[0]).bytes
        close(ends[0])
        return (Report(parsing: String(decoding: output, as: UTF8.self)), RevertProcess(state: state, pid: pid))
    }
}
