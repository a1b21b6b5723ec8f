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
        let child = try ChildProcess.run(["/usr/bin/env"] + arguments, standardInput: input.map { Array($0.utf8) }, directory: directory)
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
