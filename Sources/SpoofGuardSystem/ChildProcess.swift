import Glibc
import SpoofGuard
import SystemPackage

/// One run of another program to its end — spoofguard's one process runner, for the lab's `ip`,
/// the benchmark and the tests — spawned by `Spawn` (`posix_spawn`, reaped with `wait4`), its standard
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
    /// in `directory` if given. Throws only when the child cannot be started or reaped.
    /// With `measuringPeakMemory`, the program runs under GNU time (/usr/bin/time, Debian's
    /// `time`), whose own forked child starts from time's small footprint: its `%M` is then the
    /// program's own peak, reported in `maximumResidentKilobytes`.
    public static func run(_ arguments: [String], standardInput: [UInt8]? = nil,
                           directory: String? = nil, measuringPeakMemory: Bool = false) throws(Failure) -> ChildProcess {
        guard let located = Spawn.locate(arguments[0]) else {
            throw .notFound(arguments[0])
        }
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let peakPath = scratch.path + "/peak"
        let executable = measuringPeakMemory ? "/usr/bin/time" : located
        let argumentsAfter = measuringPeakMemory ? ["-f", "%M", "-o", peakPath, located] + arguments.dropFirst() : Array(arguments.dropFirst())
        if measuringPeakMemory && access(executable, X_OK) != 0 {
            throw .notFound(executable)
        }
        let inputPath = scratch.path + "/input", outputPath = scratch.path + "/stdout", errorPath = scratch.path + "/stderr"
        if let standardInput, !ScratchFile.write(standardInput, to: inputPath) {
            throw .temporaryFile(inputPath)
        }
        var start = timespec(), end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        let pid: pid_t
        do {
            pid = try Spawn.start([executable] + argumentsAfter, standardInput: standardInput == nil ? .nullDevice : .file(inputPath),
                                  standardOutput: .file(outputPath), standardError: .file(errorPath), directory: directory)
        } catch {
            throw .cannotStart(arguments, error)
        }
        let exit: Spawn.Exit
        do { exit = try Spawn.wait(pid) } catch { throw .cannotReap(arguments, error) }
        clock_gettime(CLOCK_MONOTONIC, &end)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return ChildProcess(
            status: exit.status,
            seconds: Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9,
            userSeconds: seconds(exit.usage.ru_utime), systemSeconds: seconds(exit.usage.ru_stime),
            standardOutput: ScratchFile.read(outputPath) ?? "", standardError: ScratchFile.read(errorPath) ?? "",
            maximumResidentKilobytes: measuringPeakMemory ? Self.peak(fromTimeReport: ScratchFile.read(peakPath)) : exit.usage.ru_maxrss,
            pid: pid)
    }

    /// Why a child could not be run; each says what to install or check.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// No such executable on PATH (or GNU time, /usr/bin/time, for `measuringPeakMemory`).
        case notFound(String)
        /// The private temporary directory or a file in it could not be made.
        case temporaryFile(String)
        case cannotStart([String], Spawn.Failure)
        case cannotReap([String], Errno)

        public var description: String {
            switch self {
            case .notFound("/usr/bin/time"): "GNU time is not installed (apt-get install time)"
            case .notFound(let name): "`\(name)` is not installed (not found on PATH)"
            case .temporaryFile(let path): "cannot write a temporary file at \(path)"
            case let .cannotStart(arguments, .directory(directory, code)): "`\(arguments[0])` cannot start in \(directory): \(code)"
            case let .cannotStart(arguments, .spawn(_, code)): "`\(arguments[0])` cannot start: \(code)"
            case let .cannotReap(arguments, code): "wait4 failed for `\(arguments[0])`: \(code)"
            }
        }
    }

    /// The last line of GNU time's `-f %M` report (a "Command exited with non-zero status"
    /// line may come first); Int.max when there is none, so that no bound is met by accident.
    static func peak(fromTimeReport report: String?) -> Int {
        report?.split(separator: "\n").last.flatMap { Int($0.filter { !$0.isWhitespace }) } ?? Int.max
    }
}

/// A `mkdtemp` directory under $TMPDIR (or /tmp), removed with everything in it.
struct TemporaryDirectory {
    let path: String

    init() throws(ChildProcess.Failure) {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array((base + "/spoofguard-lab-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw .temporaryFile(base + "/spoofguard-lab-XXXXXX")
        }
        path = String(cString: made)
    }

    func remove() {
        for name in ["input", "stdout", "stderr", "peak"] { unlink(path + "/" + name) }
        rmdir(path)
    }
}

/// Whole small files through open/read/write.
enum ScratchFile {
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return String(decoding: Uninterrupted.readToEnd(fd).bytes, as: UTF8.self)
    }

    static func write(_ text: String, to path: String) -> Bool { write(Array(text.utf8), to: path) }

    static func write(_ contents: [UInt8], to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return Uninterrupted.writeAll(fd, contents) == nil
    }
}

