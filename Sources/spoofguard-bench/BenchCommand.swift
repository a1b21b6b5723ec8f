import ArgumentParser
import Foundation

/// `spoofguard-bench [--rounds N] [--quick] [--only PART]`: generates its inputs, measures
/// spoofguard beside tcpdump and nft in one run, and prints markdown tables of medians.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spoofguard-bench",
        abstract: "Measure spoofguard against tcpdump and nft; print markdown tables of medians.",
        discussion: "Kernel parts run only as root, each in private network namespaces (ip netns add) deleted afterwards.")

    enum Part: String, ExpressibleByArgument, CaseIterable {
        case dryrun, apply, compile, dataplane, verify, audit, watch, scale, unchanged
    }

    @Option(help: "Rounds per measurement; medians are reported.")
    var rounds = 3

    @Flag(help: "Tiny sizes, for a smoke test.")
    var quick = false

    @Option(help: "Generate inputs into this directory and keep them (for profiling); default: a temporary one, removed at the end.")
    var keepInputs: String?

    @Option(help: "Run one part only: \(Part.allCases.map(\.rawValue).joined(separator: ", ")).")
    var only: Part?

    func validate() throws {
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
    }

    func run() throws {
        let context = try BenchContext(rounds: rounds, quick: quick, keepingInputsIn: keepInputs)
        defer { context.cleanUp() }
        print("# spoofguard benchmark\n")
        print(Machine.current().text)
        let launches = try (0..<5).map { _ in try Measure.succeed(["/bin/true"]).seconds }
        print("Starting a process (`/bin/true`) takes \(Format.seconds(Measure.median(launches))) here: every process figure includes it.")
        print("Rounds: \(rounds), medians; \(quick ? "quick (tiny) sizes" : "full sizes"); binary \(context.spoofguard)\n")
        let parts = only.map { [$0] } ?? Part.allCases
        for part in parts {
            let table: Table
            switch part {
            case .dryrun: table = try DryRunBenchmark.run(context)
            case .apply: table = try ApplyBenchmark.run(context)
            case .compile: table = try CompileBenchmark.run(context)
            case .dataplane: table = try DataPlaneBenchmark.run(context)
            case .verify: table = try VerifyBenchmark.run(context)
            case .audit: table = try AuditBenchmark.run(context)
            case .watch: table = try WatchBenchmark.run(context)
            case .scale: table = try ScaleBenchmark.run(context)
            case .unchanged: table = try UnchangedBenchmark.run(context)
            }
            print(table.render())
            fflush(nil) // tables appear as they finish, even through a pipe
        }
    }
}

/// What every part needs: the binary under test, a scratch directory, the sizes.
final class BenchContext {
    let rounds: Int
    let quick: Bool
    let spoofguard: String
    let scratch: String
    let packageRoot: URL
    let isRoot = getuid() == 0
    let keepsInputs: Bool
    private var namespaceCounter = 0

    init(rounds: Int, quick: Bool, keepingInputsIn kept: String? = nil) throws {
        self.rounds = rounds
        self.quick = quick
        spoofguard = try Self.findSpoofguard()
        keepsInputs = kept != nil
        scratch = kept ?? NSTemporaryDirectory() + "spoofguard-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        // spoofguard's runtime state (element records) in the scratch directory, not /run/spoofguard.
        setenv("SPOOFGUARD_RUNTIME_DIR", scratch + "/runtime", 1)
        // Sources/spoofguard-bench/BenchCommand.swift → the package root, for Examples/.
        packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    func path(_ name: String) -> String { scratch + "/" + name }

    func cleanUp() {
        if !keepsInputs { try? FileManager.default.removeItem(atPath: scratch) }
    }

    /// `SPOOFGUARD_BINARY`, else the `spoofguard` that `swift build` put beside this binary.
    static func findSpoofguard() throws -> String {
        if let path = ProcessInfo.processInfo.environment["SPOOFGUARD_BINARY"] { return path }
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let candidate = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("spoofguard").path
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw BenchmarkFailure("no spoofguard executable at \(candidate); build it (`swift build -c release`) or set SPOOFGUARD_BINARY")
        }
        return candidate
    }

    /// A fresh private network namespace, deleted when `body` returns.
    func withNamespace<T>(_ body: (String) throws -> T) throws -> T {
        namespaceCounter += 1
        let name = "sg-bench-\(getpid())-\(namespaceCounter)"
        try Measure.succeed(["ip", "netns", "add", name])
        defer { _ = try? Measure.run(["ip", "netns", "del", name]) }
        return try body(name)
    }

    /// Runs `first` and `second` in alternating order per round (round 0: first first).
    func alternate(_ round: Int, _ first: () throws -> Void, _ second: () throws -> Void) rethrows {
        if round % 2 == 0 { try first(); try second() } else { try second(); try first() }
    }
}
