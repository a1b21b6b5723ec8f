import Glibc

/// A process as it cannot be confused with a later one that reuses its pid: the pid, its start
/// time (field 22 of /proc/PID/stat, clock ticks since boot) and the identity of its executable.
public struct ProcessIdentity: Codable, Hashable, Sendable, CustomStringConvertible {
    public var pid: Int32
    public var startTime: UInt64
    public var executable: FileIdentity

    public init(pid: Int32, startTime: UInt64, executable: FileIdentity) {
        self.pid = pid
        self.startTime = startTime
        self.executable = executable
    }

    /// This process.
    public static func current() -> ProcessIdentity? { of(pid: getpid()) }

    /// The process running as `pid` now, or nil when there is none (or it cannot be read).
    public static func of(pid: Int32) -> ProcessIdentity? {
        guard pid > 0,
              let stat = readSmallFile("/proc/\(pid)/stat"),
              let startTime = startTime(fromStat: stat),
              let executable = FileIdentity.of(path: "/proc/\(pid)/exe") else { return nil }
        return ProcessIdentity(pid: pid, startTime: startTime, executable: executable)
    }

    /// Field 22 of a /proc/PID/stat line. The command name (field 2) may hold spaces and
    /// parentheses, so fields are counted after its last ')'.
    static func startTime(fromStat line: String) -> UInt64? {
        guard let close = line.lastIndex(of: ")") else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); field 22 is fields[19].
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// Whether this very process (not a later one with its pid) is still running.
    public var isRunning: Bool { Self.of(pid: pid) == self }

    public var description: String { "process \(pid)" }
}

func readSmallFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard count > 0 else { return nil }
    return String(decoding: buffer[0..<count], as: UTF8.self)
}
