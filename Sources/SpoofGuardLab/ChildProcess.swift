import CSpoofGuardLab
import Glibc

/// One run of another program, spawned with `posix_spawn` and reaped with `wait4`, its standard
/// streams on files in a private temporary directory: the parent holds no pipe that a child
/// spawned at the same moment on another thread could inherit (and keep open, leaving a reader
/// waiting for EOF), and a chatty child never blocks on a full pipe. Foundation's `Process` is
/// not used: its `waitUntilExit` polls a run loop, which adds up to ≈ 50 ms to every child.
public struct ChildProcess: Sendable {
    /// The exit status, or 128 + the signal that ended the child.
    public var status: Int32
    /// Wall time from spawn to reaped exit, in seconds.
    public var seconds: Double
    /// The child's CPU time in user space and in the kernel (`wait4`'s rusage), in seconds.
    public var userSeconds: Double
    public var systemSeconds: Double
    public var standardOutput: String
    public var standardError: String
    /// The child's peak resident set (`wait4`'s ru_maxrss), in KiB.
    public var maximumResidentKilobytes: Int
    /// The child's pid, as it was (for names a child derives from it).
    public var pid: pid_t

    /// Runs `arguments` (`arguments[0]` an absolute path, or a name searched on PATH and in
    /// /usr/sbin, /sbin, /usr/bin, /bin) with `standardInput` on its stdin (else /dev/null),
    /// in `directory` if given. Throws only when the child cannot be started.
    public static func run(_ arguments: [String], standardInput: [UInt8]? = nil,
                           directory: String? = nil) throws(LabError) -> ChildProcess {
        guard let executable = locate(arguments[0]) else {
            throw .command(arguments: arguments, status: 127, output: "not found on PATH")
        }
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let inputPath = scratch.path + "/input", outputPath = scratch.path + "/stdout", errorPath = scratch.path + "/stderr"
        if let standardInput, !LabFile.write(standardInput, to: inputPath) {
            throw .unexpected("cannot write a temporary file at \(inputPath)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, standardInput == nil ? "/dev/null" : inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if let directory {
            let failed = sg_lab_spawn_actions_add_chdir(&actions, directory)
            guard failed == 0 else { throw .system(call: "posix_spawn_file_actions_addchdir_np", errno: failed, context: directory) }
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments.dropFirst()).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }

        var pid: pid_t = 0
        var start = timespec(), end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw .command(arguments: arguments, status: 126, output: String(cString: strerror(spawned)))
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw .system(call: "wait4", errno: errno, context: "`\(arguments[0])`") }
        }
        clock_gettime(CLOCK_MONOTONIC, &end)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return ChildProcess(
            status: status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f),
            seconds: Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9,
            userSeconds: seconds(usage.ru_utime), systemSeconds: seconds(usage.ru_stime),
            standardOutput: LabFile.read(outputPath) ?? "", standardError: LabFile.read(errorPath) ?? "",
            maximumResidentKilobytes: usage.ru_maxrss, pid: pid)
    }

    static func locate(_ name: String) -> String? {
        if name.hasPrefix("/") { return name }
        let path = getenv("PATH").map { String(cString: $0) } ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        return directories.map { $0 + "/" + name }.first { access($0, X_OK) == 0 }
    }
}
