import Glibc
import SpoofGuard
import SystemPackage

/// spoofguard's runtime directory (/run/spoofguard unless told otherwise): pending reverts and
/// the locks of `try` labs. It is opened once, without following a symlink, and checked with
/// fstat before anything in it is believed: it must be a directory owned by root (or by this
/// user) that nobody else can write. Every file in it is then reached relative to that
/// descriptor, never through the path again, and never through a symlink.
public final class RuntimeDirectory: @unchecked Sendable {
    public static let defaultPath = "/run/spoofguard"

    /// `given`, else `SPOOFGUARD_RUNTIME_DIR`, else /run/spoofguard.
    public static func path(given: String?) -> String {
        given ?? getenv("SPOOFGUARD_RUNTIME_DIR").map { String(cString: $0) } ?? defaultPath
    }

    public let path: String
    let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Opens the directory at `path`, creating it (mode 0700) when `create` allows; nil when it
    /// does not exist and may not be created. Refuses a symlink, anything but a directory, an
    /// owner other than root or this user, and group or other write permission.
    public static func open(_ path: String, create: Bool) throws(RuntimeError) -> RuntimeDirectory? {
        if create, mkdir(path, 0o700) != 0, errno != EEXIST {
            throw RuntimeError.call("creating runtime directory", path, Errno(rawValue: errno))
        }
        let descriptor = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT && !create { return nil }
            if code == ENOTDIR || code == ELOOP {
                throw RuntimeError(.unsafe, "runtime directory \(path) is a symbolic link or not a directory; spoofguard does not follow it: remove it, or pass --runtime-dir a directory owned by root with mode 0700")
            }
            throw RuntimeError.call("opening runtime directory", path, Errno(rawValue: code))
        }
        let directory = RuntimeDirectory(path: path, descriptor: descriptor)
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw RuntimeError.call("fstat", path, Errno(rawValue: errno)) }
        if status.st_uid != 0 && status.st_uid != geteuid() {
            throw RuntimeError(.unsafe, "runtime directory \(path) is owned by uid \(status.st_uid), not root: another user could forge or replace spoofguard's state there; remove it, or pass --runtime-dir a directory owned by root with mode 0700")
        }
        if status.st_mode & 0o022 != 0 {
            throw RuntimeError(.unsafe, "runtime directory \(path) is writable by group or others (mode \(String(status.st_mode & 0o7777, radix: 8))): they could forge or replace spoofguard's state there; run `chmod 700 \(path)`, or pass --runtime-dir another directory")
        }
        return directory
    }

    /// The lock file `name`, opened without following a symlink (created when `create`).
    /// nil when it does not exist and was not to be created.
    public func openLock(_ name: String, create: Bool) throws(RuntimeError) -> FileLock? {
        let flags = O_RDWR | O_NOFOLLOW | O_CLOEXEC | (create ? O_CREAT : 0)
        let descriptor = openat(self.descriptor, name, flags, 0o600)
        guard descriptor >= 0 else {
            if errno == ENOENT && !create { return nil }
            throw RuntimeError.call("opening lock file", path + "/" + name, Errno(rawValue: errno))
        }
        let lock = FileLock(adopting: descriptor)
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw RuntimeError.call("fstat", path + "/" + name, Errno(rawValue: errno)) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw RuntimeError(.unsafe, "\(path)/\(name) is not a regular file: remove it")
        }
        return lock
    }

    /// Creates and locks `name` for as long as the returned lock lives, so that it can later be
    /// removed by whoever takes the lock after this holder has gone. Re-opens when the file was
    /// unlinked between open and flock (by a sweeper that had just taken and released it).
    public func createHeldLock(_ name: String) throws(RuntimeError) -> FileLock {
        while true {
            guard let lock = try openLock(name, create: true) else { continue }
            guard try lock.tryLock() else {
                throw RuntimeError(.system, "\(path)/\(name) is locked by another process")
            }
            if lock.identity != nil && lock.identity == identity(of: name) { return lock }
        }
    }

    /// Takes the lock of `name` when its holder has gone: the lock then, still linked at
    /// `name`, for the caller to clean up after and `remove`. nil while held, or when absent.
    public func takeAbandonedLock(_ name: String) throws(RuntimeError) -> FileLock? {
        guard let lock = try openLock(name, create: false), try lock.tryLock() else { return nil }
        // Unlinked (and perhaps re-created by a new holder) between our open and flock: not ours.
        guard lock.identity == identity(of: name) else { return nil }
        return lock
    }

    func identity(of name: String) -> FileIdentity? {
        var status = stat()
        guard fstatat(descriptor, name, &status, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return FileIdentity(status)
    }

    /// When `name` (not followed if a symlink) was last modified, in nanoseconds since the epoch.
    func modificationTime(of name: String) -> Int? {
        var status = stat()
        guard fstatat(descriptor, name, &status, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return status.st_mtim.tv_sec * 1_000_000_000 + status.st_mtim.tv_nsec
    }

    /// Writes `bytes` to `name` whole or not at all: into a new file of a random name created
    /// with O_EXCL|O_NOFOLLOW (mkstemp's guarantee, relative to this directory), then renamed
    /// over `name` (rename replaces a symlink there rather than following it).
    public func writeAtomically(_ name: String, _ bytes: [UInt8]) throws(RuntimeError) {
        var temporary = ""
        var descriptor: Int32 = -1
        for _ in 0..<16 {
            temporary = ".tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
            descriptor = openat(self.descriptor, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else { throw RuntimeError.call("creating a temporary file in", path, Errno(rawValue: errno)) }
        var failure: RuntimeError?
        if let code = Uninterrupted.writeAll(descriptor, bytes) {
            failure = RuntimeError.call("writing", path + "/" + temporary, Errno(rawValue: code))
        }
        if failure == nil && fsync(descriptor) != 0 { failure = RuntimeError.call("fsync", path + "/" + temporary, Errno(rawValue: errno)) }
        close(descriptor)
        if failure == nil && renameat(self.descriptor, temporary, self.descriptor, name) != 0 {
            failure = RuntimeError.call("renaming into place", path + "/" + name, Errno(rawValue: errno))
        }
        if let failure {
            unlinkat(self.descriptor, temporary, 0)
            throw failure
        }
    }

    /// The contents of the regular file `name` (at most `limit` bytes), not following a
    /// symlink; nil when absent, not a regular file, or larger than `limit`.
    public func read(_ name: String, limit: Int) -> [UInt8]? {
        try? readRegularFile(name, limit: limit, trust: { _ in nil }).get()
    }

    /// Exactly `count` bytes from `descriptor`; nil when fewer come.
    static func readAll(_ descriptor: Int32, count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var used = 0
        while used < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Uninterrupted.read(descriptor, into: UnsafeMutableRawBufferPointer(rebasing: $0[used...])) }
            guard count > 0 else { return nil }
            used += count
        }
        return bytes
    }

    /// What reading a file only spoofguard may have written found.
    public enum PrivateFile {
        case absent
        /// Not to be believed: a symlink, not a regular file, another owner, group or other
        /// permission bits, too large, or a read error. The reason names the file.
        case untrusted(String)
        case contents([UInt8])
    }

    /// The contents of `name` when it is a regular file owned by root (or this user) with no
    /// permission for group or others, at most `limit` bytes; opened without following a
    /// symlink and judged by fstat of what was opened, not by its path.
    public func readPrivate(_ name: String, limit: Int) -> PrivateFile {
        switch readRegularFile(name, limit: limit, trust: Self.ownedPrivately) {
        case .success(let bytes): .contents(bytes)
        case .failure(.cannotOpen(.noSuchFileOrDirectory)): .absent
        case .failure(let refusal): .untrusted(refusal.reason(path + "/" + name))
        }
    }

    /// Why a file of this directory was not read.
    enum ReadRefusal: Error, Equatable {
        case cannotOpen(Errno)
        case cannotStat(Errno)
        case notRegular
        case owner(uid_t)
        case mode(mode_t)
        case larger(than: Int)
        case shortRead

        /// One line naming the file at `full` and what is wrong with it.
        func reason(_ full: String) -> String {
            switch self {
            case .cannotOpen(.tooManySymbolicLinkLevels): "\(full) is a symbolic link"
            case .cannotOpen(let code): "\(full): \(code)"
            case .cannotStat(let code): "\(full): fstat: \(code)"
            case .notRegular: "\(full) is not a regular file"
            case .owner(let uid): "\(full) is owned by uid \(uid), not root"
            case .mode(let mode): "\(full) has mode \(String(mode & 0o7777, radix: 8)), not 0600"
            case .larger(let limit): "\(full) is larger than \(limit) bytes"
            case .shortRead: "\(full) could not be read"
            }
        }
    }

    /// `readPrivate`'s trust: owned by root (or this user), no permission for group or others.
    static func ownedPrivately(_ status: stat) -> ReadRefusal? {
        guard status.st_uid == 0 || status.st_uid == geteuid() else { return .owner(status.st_uid) }
        guard status.st_mode & 0o077 == 0 else { return .mode(status.st_mode) }
        return nil
    }

    /// The one opening behind `read` and `readPrivate`: `name` opened relative to this
    /// directory without following a symlink (O_NONBLOCK: a FIFO planted there cannot block
    /// the open), judged by fstat of what was opened — a regular file, then `trust`, then at
    /// most `limit` bytes — and read whole.
    func readRegularFile(_ name: String, limit: Int, trust: (stat) -> ReadRefusal?) -> Result<[UInt8], ReadRefusal> {
        let descriptor = openat(self.descriptor, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return .failure(.cannotOpen(Errno(rawValue: errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure(.cannotStat(Errno(rawValue: errno))) }
        guard status.st_mode & S_IFMT == S_IFREG else { return .failure(.notRegular) }
        if let refusal = trust(status) { return .failure(refusal) }
        guard status.st_size <= limit else { return .failure(.larger(than: limit)) }
        guard let bytes = Self.readAll(descriptor, count: Int(status.st_size)) else { return .failure(.shortRead) }
        return .success(bytes)
    }

    /// Unlinks `name` (a symlink itself, never its target). True when this call removed it:
    /// of two racing callers exactly one succeeds.
    @discardableResult
    public func remove(_ name: String) -> Bool { unlinkat(descriptor, name, 0) == 0 }

    /// Opens (creating, mode 0700) the subdirectory `name` with the same checks.
    public func subdirectory(_ name: String) throws(RuntimeError) -> RuntimeDirectory {
        if mkdirat(descriptor, name, 0o700) != 0, errno != EEXIST {
            throw RuntimeError.call("creating", path + "/" + name, Errno(rawValue: errno))
        }
        // Checked like the parent; the parent's checks make the path stable.
        guard let directory = try Self.open(path + "/" + name, create: false) else {
            throw RuntimeError(.system, "\(path)/\(name) vanished while being opened")
        }
        return directory
    }

    /// The names in this directory.
    public func names() -> [String] {
        let copy = dup(descriptor)
        guard copy >= 0, let listing = fdopendir(copy) else { return [] }
        defer { closedir(listing) }
        rewinddir(listing)
        var names: [String] = []
        while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
