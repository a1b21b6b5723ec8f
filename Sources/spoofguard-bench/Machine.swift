import Foundation

/// What the figures were measured on, read at start.
struct Machine {
    var processors: Int
    var cpuModel: String
    var kernel: String
    var loadAverage: String

    static func current() -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let kernel = ((try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "unknown")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "")
            .split(separator: " ").prefix(3).joined(separator: " ")
        return Machine(processors: ProcessInfo.processInfo.activeProcessorCount, cpuModel: model, kernel: kernel,
                       loadAverage: load.isEmpty ? "unknown" : load)
    }

    var text: String {
        "Machine: \(processors) CPUs (\(cpuModel)), Linux \(kernel), load average at start \(loadAverage)"
    }
}
