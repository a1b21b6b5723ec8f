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
    /// The child's peak resident set, in KiB: `wait4`'s ru_maxrss, which is never below this
    /// process's own peak (the kernel records the old address space's high-water mark at exec,
    /// and a posix_spawn'ed — or forked — child's old address space is this process's). Run with
    /// `measuringPeakMemory` for the program's own figure.
    public var maximumResidentKilobytes: Int
    /// The child's pid, as it was (for names a child derives from it).
    public var pid: pid_t

    /// Runs `arguments` (`arguments[0]` an absolute path, or a name searched on PATH and in
    /// /usr/sbin, /sbin, /usr/bin, /bin) with `standardInput` on its stdin (else /dev/null),
    /// in `directory` if given. Throws only when the child cannot be started.
    /// With `measuringPeakMemory`, the program runs under GNU time (/usr/bin/time, Debian's
    /// `time`), whose own forked child starts from time's small footprint: its `%M` is then the
    /// program's own peak, reported in `maximumResidentKilobytes`.
    public static func run(_ arguments: [String], standardInput: [UInt8]? = nil,
                           directory: String? = nil, measuringPeakMemory: Bool = false) throws(LabError) -> ChildProcess {
        guard let located = locate(arguments[0]) else {
            throw .command(arguments: arguments, status: 127, output: "not found on PATH")
        }
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let peakPath = scratch.path + "/peak"
        let executable = measuringPeakMemory ? "/usr/bin/time" : located
        let argumentsAfter = measuringPeakMemory ? ["-f", "%M", "-o", peakPath, located] + arguments.dropFirst() : Array(arguments.dropFirst())
        if measuringPeakMemory && access(executable, X_OK) != 0 {
            throw .command(arguments: [executable], status: 127, output: "GNU time is not installed (apt-get install time)")
        }
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
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + argumentsAfter).map { strdup($0) } + [nil]
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
            maximumResidentKilobytes: measuringPeakMemory ? Self.peak(fromTimeReport: LabFile.read(peakPath)) : usage.ru_maxrss,
            pid: pid)
    }

    /// The last line of GNU time's `-f %M` report (a "Command exited with non-zero status"
    /// line may come first); Int.max when there is none, so that no bound is met by accident.
    static func peak(fromTimeReport report: String?) -> Int {
        report?.split(separator: "\n").last.flatMap { Int($0.filter { !$0.isWhitespace }) } ?? Int.max
    }

    static func locate(_ name: String) -> String? {
        if name.hasPrefix("/") { return name }
        let path = getenv("PATH").map { String(cString: $0) } ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        return directories.map { $0 + "/" + name }.first { access($0, X_OK) == 0 }
    }
}
