import Glibc
import SystemPackage

/// A file as the kernel knows it (device and inode), not as it is spelled: `/run/netns/T` and
/// `T` given to `--netns`, or /proc/self/ns/net and /proc/1/ns/net in the same namespace, are
/// one namespace.
public struct FileIdentity: Codable, Hashable, Sendable, CustomStringConvertible {
    public var device: UInt64
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    init(_ status: stat) {
        self.init(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    /// The identity of what `path` names, following symlinks (/proc/PID/exe, /proc/PID/ns/net).
    public static func of(path: String) -> FileIdentity? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return FileIdentity(status)
    }

    /// The network namespace at `path`, or this process's own when nil.
    public static func networkNamespace(path: String?) throws(RuntimeError) -> FileIdentity {
        let target = path ?? "/proc/self/ns/net"
        var status = stat()
        guard stat(target, &status) == 0 else { throw RuntimeError.call("network namespace", target, Errno(rawValue: errno)) }
        return FileIdentity(status)
    }

    public var description: String { "\(device):\(inode)" }
}
