import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock timing, medians, and running other programs with their output in files
/// (never pipes, so nothing blocks however much a child writes).
enum Measure {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    struct Run {
        var status: Int32
        /// Wall time from spawn to reaped exit.
        var seconds: Double
        /// CPU time the child spent in user space and in the kernel (from `wait4`'s rusage).
        var userSeconds: Double
        var systemSeconds: Double
        var output: String
        var error: String
    }

    /// Runs `arguments[0]` (an absolute path, or a name looked up in PATH) and times it from
    /// spawn to exit. `posix_spawn` + `wait4`, not Foundation's `Process`: `waitUntilExit` polls a
    /// run loop and rounds every child's time up to ≈ 50 ms on this platform.
    static func run(_ arguments: [String]) throws -> Run {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sg-bench-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputPath = directory.appendingPathComponent("stdout").path
        let errorPath = directory.appendingPathComponent("stderr").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = ContinuousClock.now
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw BenchmarkFailure("cannot start `\(arguments[0])`: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchmarkFailure("wait4: \(String(cString: strerror(errno)))") }
        }
        let elapsed = ContinuousClock.now - start
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return Run(status: exitStatus,
                   seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                   userSeconds: seconds(usage.ru_utime), systemSeconds: seconds(usage.ru_stime),
                   output: String(decoding: try Data(contentsOf: URL(fileURLWithPath: outputPath)), as: UTF8.self),
                   error: String(decoding: try Data(contentsOf: URL(fileURLWithPath: errorPath)), as: UTF8.self))
    }

    /// Runs a command that must succeed; a failure stops the benchmark with what the tool said.
    @discardableResult
    static func succeed(_ arguments: [String], allowing statuses: Set<Int32> = [0]) throws -> Run {
        let run = try run(arguments)
        guard statuses.contains(run.status) else {
            throw BenchmarkFailure("`\(arguments.joined(separator: " "))` exited \(run.status): \(run.error.prefix(400))")
        }
        return run
    }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A markdown table, printed when complete.
struct Table {
    var title: String
    var header: [String]
    var rows: [[String]] = []
    var notes: [String] = []

    func render() -> String {
        var lines = ["### \(title)", "", "| " + header.joined(separator: " | ") + " |",
                     "|" + header.map { _ in "---:" }.joined(separator: "|") + "|"]
        lines += rows.map { "| " + $0.joined(separator: " | ") + " |" }
        if !notes.isEmpty { lines.append(""); lines += notes }
        return lines.joined(separator: "\n") + "\n"
    }
}

enum Format {
    static func seconds(_ value: Double) -> String {
        value < 1 ? String(format: "%.1f ms", value * 1000) : String(format: "%.2f s", value)
    }
    static func ratio(_ value: Double) -> String { String(format: "%.2f×", value) }
    static func count(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return out
    }
}
