import Glibc
import SpoofGuard
import SystemPackage

/// An open lock file. The lock is `flock`'s: it belongs to the open file description, so a
/// child that inherits the descriptor holds it too, and the kernel drops it when the last
/// holder exits, however it ends (SIGKILL included), in any PID namespace.
public final class FileLock: @unchecked Sendable {
    public let descriptor: Int32

    public init(adopting descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Takes the lock without waiting, exclusive unless `shared`; false while another open file
    /// description holds it exclusively (or, for an exclusive request, at all). Taking it again
    /// through the same description succeeds (it is already this one's).
    public func tryLock(shared: Bool = false) throws(RuntimeError) -> Bool {
        guard Uninterrupted.call({ flock(descriptor, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) }) != 0 else { return true }
        if errno == EWOULDBLOCK { return false }
        throw RuntimeError.call("flock", "descriptor \(descriptor)", Errno(rawValue: errno))
    }

    var identity: FileIdentity? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        return FileIdentity(status)
    }
}
