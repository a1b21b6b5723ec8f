import Foundation
import Glibc
import SpoofGuardSystem

/// The tests' one process runner: `ChildProcess` (posix_spawn, output in files, reaped with
/// wait4) through /usr/bin/env, so that a tool is found on PATH and `NAME=value` may come first.
/// Foundation's Process and Pipe crashed here now and then (`readDataToEndOfFile` raising EINTR
/// through a `try!` inside FileHandle).
public enum TestProcess {
    public struct Outcome: Sendable {
        public var status: Int32
        public var output: String
        public var error: String

        public init(status: Int32, output: String, error: String) { (self.status, self.output, self.error) = (status, output, error) }
    }

    /// Runs `arguments` to its end; throws only when it cannot be started.
    @discardableResult
    public static func run(_ arguments: [String], input: String? = nil, directory: String? = nil) throws -> Outcome {
        let child = try ChildProcess.run(["/usr/bin/env"] + TestRuntimeDirectory.assignment + arguments,
                                         standardInput: input.map { Array($0.utf8) }, directory: directory)
        return Outcome(status: child.status, output: child.standardOutput, error: child.standardError)
    }

    /// Runs `arguments`, which must succeed: its standard output, or `CommandFailed` with what it
    /// wrote on standard error.
    @discardableResult
    public static func succeed(_ arguments: [String], input: String? = nil) throws -> String {
        let outcome = try run(arguments, input: input)
        guard outcome.status == 0 else { throw CommandFailed(command: arguments, status: outcome.status, output: outcome.error + outcome.output) }
        return outcome.output
    }
}

/// A runtime directory of the test run's own (mkdtemp: root's, mode 0700), given to every
/// program the tests start as `SPOOFGUARD_RUNTIME_DIR` unless the caller set one: the element
/// records and locks that apply and diff keep then stay out of the host's /run/spoofguard, and
/// are removed when the test process exits. A test that passes `--runtime-dir` still wins.
public enum TestRuntimeDirectory {
    public static let path: String? = {
        if getenv("SPOOFGUARD_RUNTIME_DIR") != nil { return nil }
        var template = Array("/tmp/spoofguard-test-run-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { return nil }
        let path = String(cString: template)
        atexit { if let path = TestRuntimeDirectory.path { _ = try? FileManager.default.removeItem(atPath: path) } }
        return path
    }()

    /// `NAME=value` for /usr/bin/env, or nothing when the environment already names one.
    static var assignment: [String] { path.map { ["SPOOFGUARD_RUNTIME_DIR=" + $0] } ?? [] }
}

public struct CommandFailed: Error, CustomStringConvertible {
    public var command: [String]
    public var status: Int32
    public var output: String
    public var description: String { "\(command.joined(separator: " ")) exited \(status): \(output)" }
}

/// The tests' one namespace helper: a private network namespace (`ip netns add`, a name unique
/// to this process) deleted again when released. The test process itself never leaves the host
/// namespace: spoofguard works in it through `--netns` or a thread that enters it, and other
/// tools run through `ip netns exec`.
public final class TestNamespace: @unchecked Sendable {
    public let name: String

    public init() throws {
        name = "sg-test-\(getpid())-\(UInt64.random(in: 0...UInt64.max) & 0xffff_ffff)"
        try TestProcess.succeed(["ip", "netns", "add", name])
    }

    deinit { _ = try? TestProcess.run(["ip", "netns", "del", name]) }

    /// The namespace file, as `--netns` and `NetworkNamespace` accept it.
    public var path: String { "/run/netns/" + name }

    /// Runs `arguments` inside the namespace.
    @discardableResult
    public func execute(_ arguments: [String], input: String? = nil) throws -> TestProcess.Outcome {
        try TestProcess.run(["ip", "netns", "exec", name] + arguments, input: input)
    }
}

/// A program the test starts and goes on beside (an agent, a bystander, commands run at once),
/// through the same spawn routine: its output in files or on /dev/null, ended and reaped on
/// release if the test did not wait for it.
public final class BackgroundProcess: @unchecked Sendable {
    public let pid: pid_t
    private var exit: Int32?

    /// Starts `arguments` through /usr/bin/env (a name is found on PATH, `NAME=value` may come
    /// first), standard output and error to these files (created or truncated) or /dev/null.
    public init(_ arguments: [String], standardOutput: String? = nil, standardError: String? = nil) throws {
        pid = try Spawn.start(["/usr/bin/env"] + arguments, standardOutput: standardOutput.map { .file($0) } ?? .nullDevice,
                              standardError: standardError.map { .file($0) } ?? .nullDevice)
    }

    deinit {
        if exit == nil {
            Glibc.kill(pid, SIGKILL)
            _ = try? Spawn.wait(pid)
        }
    }

    /// Waits for it to end: its exit status, or 128 + the signal that ended it.
    @discardableResult
    public func wait() throws -> Int32 {
        if let exit { return exit }
        let status = try Spawn.wait(pid).status
        exit = status
        return status
    }

    public func kill(_ signal: Int32 = SIGKILL) { if exit == nil { Glibc.kill(pid, signal) } }

    /// Running, not a zombie.
    public var isAlive: Bool {
        guard exit == nil, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        return stat.split(separator: ")").last?.split(separator: " ").first != "Z"
    }
}
