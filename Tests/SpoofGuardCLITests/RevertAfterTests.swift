import Foundation
import Testing
import SpoofGuardTestSupport

/// `apply --revert-after` and `confirm`, in private namespaces with a two-second window.
/// The waits poll for the kernel state a revert produces, bounded generously; what is asserted is
/// the listing, never a duration.
@Suite(.serialized, .kernel)
struct RevertAfterTests {
    typealias Namespace = KernelCommandTests.Namespace

    static let foreignTable = "table inet filter {\n\tchain input { type filter hook input priority 0; policy accept; tcp dport 22 accept; }\n}\n"

    let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("sg-revert-\(UUID().uuidString)").path

    func spoofguard(_ ns: Namespace, _ arguments: String...) throws -> KernelCommandTests.Outcome {
        try KernelCommandTests.execute([KernelCommandTests.binary] + arguments + ["--netns", ns.name, "--runtime-dir", runtime])
    }

    func example(_ name: String) -> String { BuiltBinary.packageRoot.appendingPathComponent("Examples/\(name)").path }

    func pendingFiles() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: runtime)) ?? [] }
    /// The pending records (the lock files stay: they are what a revert process holds).
    func pendingRecords() -> [String] { pendingFiles().filter { $0.hasSuffix(".json") } }

    /// Polls until `nft list ruleset` equals `expected` or 30 s pass; returns the last listing.
    func waitForRuleset(_ ns: Namespace, _ expected: String) throws -> String {
        var listing = ""
        for _ in 0..<300 {
            listing = try ns.nft("list", "ruleset").output
            if listing == expected { break }
            usleep(100_000)
        }
        return listing
    }

    /// `revert-DEV-INODE`: the start of the state file names of the namespace `ns`, by identity.
    static func stem(_ ns: Namespace) throws -> String {
        var status = stat()
        try #require(stat("/run/netns/" + ns.name, &status) == 0)
        return "revert-\(status.st_dev)-\(status.st_ino)"
    }

    /// The timer's pid, from the pending record.
    func timerPID() throws -> Int32? {
        guard let name = pendingFiles().first(where: { $0.hasSuffix(".json") }) else { return nil }
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: runtime + "/" + name))) as? [String: Any]
        // `process.pid`; before issue 19 a top-level `pid` (read too, so that the regression
        // tests can be run against the old binary).
        return (((record?["process"] as? [String: Any])?["pid"] ?? record?["pid"]) as? Int).map(Int32.init)
    }

    /// Polls (10 s at most, well inside the 30 s windows it is used with) until `pid` has
    /// exited: gone, or a zombie awaiting its reaper.
    func waitUntilEnded(_ pid: Int32) -> Bool {
        for _ in 0..<100 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            if stat.split(separator: ")").last?.split(separator: " ").first == "Z" { return true }
            usleep(100_000)
        }
        return false
    }

    @Test func silenceRestoresThePreviousTableExactly() throws {
        let ns = try Namespace()
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        #expect(try ns.nft("-f", "-", input: Self.foreignTable).status == 0)
        #expect(try spoofguard(ns, "apply", example("router.json")).status == 0)
        let before = try ns.nft("list", "ruleset").output
        let applied = try spoofguard(ns, "apply", example("strict.json"), "--revert-after", "2")
        #expect(applied.status == 0, "\(applied.error)")
        #expect(applied.output.contains("reverting in 2 s unless `spoofguard confirm --netns \(ns.name)`"))
        #expect(try ns.nft("list", "ruleset").output != before)
        #expect(pendingRecords() == ["\(try Self.stem(ns))-spoofguard.json"])
        #expect(try waitForRuleset(ns, before) == before)
        #expect(pendingRecords().isEmpty)
        let confirm = try spoofguard(ns, "confirm")
        #expect(confirm.status == 0)
        #expect(confirm.output.contains("nothing pending"))
    }

    @Test func silenceRemovesATableThatDidNotExist() throws {
        let ns = try Namespace()
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        #expect(try ns.nft("-f", "-", input: Self.foreignTable).status == 0)
        let before = try ns.nft("list", "ruleset").output
        let applied = try spoofguard(ns, "apply", example("router.json"), "--revert-after", "2")
        #expect(applied.status == 0, "\(applied.error)")
        #expect(try ns.nft("list", "ruleset").output.contains("table inet spoofguard"))
        #expect(try waitForRuleset(ns, before) == before)
    }

    @Test func confirmKeepsTheNewTable() throws {
        let ns = try Namespace()
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        #expect(try spoofguard(ns, "apply", example("router.json")).status == 0)
        #expect(try spoofguard(ns, "apply", example("strict.json"), "--revert-after", "2").status == 0)
        let applied = try ns.nft("list", "ruleset").output
        let confirm = try spoofguard(ns, "confirm", "--json")
        #expect(confirm.status == 0)
        #expect(confirm.output.contains("\"confirmed\": true"))
        #expect(pendingRecords().isEmpty)
        // Past the window: a revert that was going to happen has happened by now.
        sleep(4)
        #expect(try ns.nft("list", "ruleset").output == applied)
    }

    @Test func anUnchangedApplyLeavesNothingPendingAndASecondTimerIsRefused() throws {
        let ns = try Namespace()
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        #expect(try spoofguard(ns, "apply", example("router.json")).status == 0)
        let unchanged = try spoofguard(ns, "apply", example("router.json"), "--revert-after", "30", "--json")
        #expect(unchanged.status == 0)
        #expect(unchanged.output.contains("\"changed\": false"))
        #expect(unchanged.output.contains("\"revert_after\": null"), "\(unchanged.output)")
        #expect(pendingRecords().isEmpty)

        #expect(try spoofguard(ns, "apply", example("strict.json"), "--revert-after", "30").status == 0)
        let applied = try ns.nft("list", "ruleset").output
        let timer = try #require(try timerPID())
        let second = try spoofguard(ns, "apply", example("router.json"), "--revert-after", "30")
        #expect(second.status == 69)
        #expect(second.error.contains("still pending"))
        #expect(try ns.nft("list", "ruleset").output == applied)
        #expect(try spoofguard(ns, "confirm").output.contains("confirmed"))
        #expect(waitUntilEnded(timer), "confirm leaves the timer process \(timer) running")

        for arguments in [["--revert-after", "0"], ["--revert-after", "5", "--check"]] {
            let refused = try KernelCommandTests.execute([KernelCommandTests.binary, "apply", example("router.json")] + arguments
                                                         + ["--netns", ns.name, "--runtime-dir", runtime])
            #expect(refused.status == 64, "\(arguments)")
        }
        #expect(pendingRecords().isEmpty)
        #expect(try ns.nft("list", "ruleset").output == applied)
    }
}
