internal import CSpoofGuardSystem
import Glibc
import SystemPackage

/// Runs a closure on a fresh thread, optionally one that has entered a network namespace first.
///
/// `setns` switches only the calling thread, and sockets stay in the namespace they were created
/// in; so sockets and namespace-relative files (/proc/thread-self/net/…, /proc/sys/net/…) are
/// opened on a short-lived thread and then used from anywhere. The caller's thread — and the
/// process's main thread — never changes namespace; the thread ends with `body`.
public enum NamespaceThread {
    /// Which step failed before `body` could run, with its errno.
    public enum Failure: Error, Sendable, Equatable {
        /// Opening the namespace file (`/run/netns/NAME`, `/proc/PID/ns/net`).
        case open(path: String, Errno)
        /// `setns` into it (EPERM without CAP_SYS_ADMIN over it).
        case enter(path: String, Errno)
        /// `pthread_create`.
        case startThread(Errno)
    }

    /// Runs `body` on a fresh thread that has entered the network namespace at `path`, and waits
    /// for it. A step that fails before `body` runs is turned into the caller's error by `failure`.
    public static func run<T, E: Error>(inNetworkNamespace path: String, failure: (Failure) -> E,
                                        _ body: () throws(E) -> T) throws(E) -> T {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(.open(path: path, Errno(rawValue: errno))) }
        defer { close(fd) }
        let entered = try onFreshThread(failure: failure) { () -> Errno? in
            let code = sg_enter_network_namespace(fd)
            return code == 0 ? nil : Errno(rawValue: code)
        } then: { entered throws(E) -> T in
            if let code = entered { throw failure(.enter(path: path, code)) }
            return try body()
        }
        return entered
    }

    /// Runs `body` on a fresh thread and waits for it.
    public static func onFreshThread<T, E: Error>(failure: (Failure) -> E, _ body: () throws(E) -> T) throws(E) -> T {
        try onFreshThread(failure: failure) { () -> Void in } then: { (_: Void) throws(E) -> T in try body() }
    }

    /// `prepare` then `body` on one fresh thread (what `prepare` returns is handed to `body`).
    private static func onFreshThread<P, T, E: Error>(failure: (Failure) -> E, _ prepare: () -> P,
                                                      then body: (P) throws(E) -> T) throws(E) -> T {
        let outcome: Result<T, E> = withoutActuallyEscaping(prepare) { prepare in
            withoutActuallyEscaping(body) { body in
                do throws(Errno) {
                    return try StartedThread { () -> Result<T, E> in
                        let prepared = prepare()
                        do throws(E) { return .success(try body(prepared)) } catch { return .failure(error) }
                    }.join()
                } catch {
                    return .failure(failure(.startThread(error)))
                }
            }
        }
        return try outcome.get()
    }
}
