import Glibc
import SpoofGuardSystem
import SystemPackage

/// Why the runtime directory or a state file in it cannot be used. Every case says which path
/// and what to do; `KernelFailure.exitCode(for:)` turns the kind into the sysexits code the
/// command line exits with.
public struct RuntimeError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The directory or a file in it is not safe to trust: a symlink, not owned by root (or
        /// this user), writable by group or others (EX_NOPERM, 77).
        case unsafe
        /// This user may not create or open it (EX_NOPERM, 77).
        case permissionDenied
        /// A system call failed (EX_OSERR, 71).
        case system
    }

    public var kind: Kind
    public var message: String
    /// The failed call's errno, when a call failed; typed, as `NetlinkError.errno` is.
    public var errno: Errno?

    public init(_ kind: Kind, _ message: String, errno: Errno? = nil) {
        self.kind = kind
        self.message = message
        self.errno = errno
    }

    /// A failed call on `path`: EACCES/EPERM become `.permissionDenied`, ELOOP `.unsafe`.
    static func call(_ call: String, _ path: String, _ code: Errno) -> RuntimeError {
        if code.isPermissionDenied {
            let who = geteuid() == 0 ? "" : "; spoofguard's runtime directory belongs to root: run as root (spoofguard needs CAP_NET_ADMIN)"
            return RuntimeError(.permissionDenied, "\(call) \(path): \(code)\(who)", errno: code)
        }
        if code == .tooManySymbolicLinkLevels {
            return RuntimeError(.unsafe, "\(path) is a symbolic link; spoofguard never follows one in its runtime directory: remove it", errno: code)
        }
        return RuntimeError(.system, "\(call) \(path): \(code)", errno: code)
    }

    public var description: String { message }
}
