import Foundation
import SpoofGuardLab
import SpoofGuardSystem

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

    typealias Run = ChildProcess

    /// Runs `arguments[0]` (an absolute path, or a name looked up in PATH) and times it from
    /// spawn to exit (`ChildProcess`: `posix_spawn` + `wait4`, which also gives the child's CPU
    /// time; Foundation's `Process` rounded every child up to ≈ 50 ms here).
    static func run(_ arguments: [String]) throws -> Run {
        try ChildProcess.run(arguments)
    }

    /// Runs a command that must succeed; a failure stops the benchmark with what the tool said.
    @discardableResult
    static func succeed(_ arguments: [String], allowing statuses: Set<Int32> = [0]) throws -> Run {
        let run = try run(arguments)
        guard statuses.contains(run.status) else {
            throw BenchmarkFailure("`\(arguments.joined(separator: " "))` exited \(run.status): \(run.standardError.prefix(400))")
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
    /// The last column of a row with a target.
    static func met(_ met: Bool) -> String { met ? "met" : "MISSED" }
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
