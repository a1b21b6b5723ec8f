internal import CSpoofGuardSystem
import Glibc
import SpoofGuard
import SystemPackage

/// spoofguard's one way to start another program: `posix_spawn`, with the child's standard
/// streams and descriptors set up by file actions (nothing runs between fork and exec), and
/// `wait4` to reap it. Foundation's `Process` is not used: its `waitUntilExit` polls a run loop,
/// which added up to ≈ 50 ms to every child.
public enum Spawn {
    /// Where one of the child's standard streams goes.
    public enum Stream: Sendable, Equatable {
        /// This process's own.
        case inherited
        case nullDevice
        /// A file: read for standard input; created (mode 0600) or truncated for output.
        case file(String)
        /// A descriptor of this process, duplicated onto the stream.
        case descriptor(Int32)
    }

    /// Which step failed to start the child.
    public enum Failure: Error, Sendable, Equatable {
        /// The child could not change to the directory (`posix_spawn_file_actions_addchdir_np`).
        case directory(String, Errno)
        /// `posix_spawn` itself (the executable is missing or not executable, …).
        case spawn(executable: String, Errno)
    }

    /// Starts `arguments` (`arguments[0]` an absolute path to the executable) and returns the
    /// child's pid, to reap with `wait`. `passing` maps descriptors of this process onto the
    /// child's; with `closingInherited`, every other descriptor above 2 is closed in the child,
    /// even those without FD_CLOEXEC (for a child that outlives this process: a pipe it kept open
    /// would make whoever reads that pipe wait for it).
    public static func start(_ arguments: [String], standardInput: Stream = .nullDevice,
                             standardOutput: Stream = .nullDevice, standardError: Stream = .nullDevice,
                             directory: String? = nil, passing: [(descriptor: Int32, as: Int32)] = [],
                             closingInherited: Bool = false) throws(Failure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        add(standardInput, as: 0, input: true, to: &actions)
        add(standardOutput, as: 1, input: false, to: &actions)
        add(standardError, as: 2, input: false, to: &actions)
        if closingInherited {
            // After the streams' dup2s, so a descriptor given as a stream is closed once copied.
            closeInheritedDescriptors(&actions, except: Set(passing.flatMap { [$0.descriptor, $0.as] }))
        }
        for pass in passing {
            if pass.descriptor == pass.as {
                // dup2 onto itself may leave FD_CLOEXEC set: clear it here instead.
                _ = fcntl(pass.descriptor, F_SETFD, 0)
            } else {
                // dup2 clears FD_CLOEXEC on the copy it makes.
                posix_spawn_file_actions_adddup2(&actions, pass.descriptor, pass.as)
            }
        }
        if let directory {
            let failed = sg_spawn_actions_add_chdir(&actions, directory)
            guard failed == 0 else { throw .directory(directory, Errno(rawValue: failed)) }
        }
        // The child starts with no signal blocked: it would inherit the spawning thread's mask,
        // and a thread of a thread pool (Swift Testing's, a Dispatch queue's) blocks nearly all.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw .spawn(executable: arguments[0], Errno(rawValue: spawned)) }
        return pid
    }

    /// How a reaped child ended.
    public struct Exit: Sendable {
        /// The exit status, or 128 + the signal that ended the child.
        public var status: Int32
        /// `wait4`'s resource usage of the child.
        public var usage: rusage
    }

    /// Waits for the child `pid` to end and reaps it.
    public static func wait(_ pid: pid_t) throws(Errno) -> Exit {
        var status: Int32 = 0
        var usage = rusage()
        guard Uninterrupted.call({ wait4(pid, &status, 0, &usage) }) >= 0 else { throw Errno(rawValue: errno) }
        return Exit(status: status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), usage: usage)
    }

    /// `name` as an executable path: itself when absolute, else the first match on PATH and in
    /// /usr/sbin, /sbin, /usr/bin, /bin.
    public static func locate(_ name: String) -> String? {
        if name.hasPrefix("/") { return name }
        let path = getenv("PATH").map { String(cString: $0) } ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        return directories.map { $0 + "/" + name }.first { access($0, X_OK) == 0 }
    }

    /// This process's own executable (/proc/self/exe), to start it again.
    public static func currentExecutable() throws(Errno) -> String {
        var path = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &path, path.count - 1)
        guard length > 0 else { throw Errno(rawValue: errno) }
        return String(decoding: path[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func add(_ stream: Stream, as target: Int32, input: Bool, to actions: inout posix_spawn_file_actions_t) {
        switch stream {
        case .inherited:
            break
        case .nullDevice:
            posix_spawn_file_actions_addopen(&actions, target, "/dev/null", input ? O_RDONLY : O_WRONLY, 0)
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, target, path, input ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        case .descriptor(let descriptor):
            posix_spawn_file_actions_adddup2(&actions, descriptor, target)
        }
    }

    /// Adds a close action for every descriptor above 2 open now (read from /proc/self/fd), so that
    /// the child holds nothing but what it is given. (glibc's addclosefrom_np is not visible to Swift.)
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t, except kept: Set<Int32>) {
        guard let listing = opendir("/proc/self/fd") else { return }
        let own = dirfd(listing)
        var descriptors: [Int32] = []
        while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let fd = Int32(name), fd > 2, fd != own { descriptors.append(fd) }
        }
        closedir(listing)
        for fd in descriptors where !kept.contains(fd) { posix_spawn_file_actions_addclose(&actions, fd) }
    }
}

extension Errno {
    /// EPERM or EACCES: the caller lacks a capability or a permission (sysexits 77).
    public var isPermissionDenied: Bool { self == .notPermitted || self == .permissionDenied }
}
