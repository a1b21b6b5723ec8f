import Foundation
import Synchronization
import SpoofGuardTestSupport
import Testing

/// The pending-revert state against a hostile or unlucky runtime directory (issue 19, item 2):
/// forged and stale records, planted symlinks, two spellings of one namespace, racing applies,
/// a plain apply inside the window. Each in its own namespace and runtime directory.
extension RevertAfterTests {
    /// A sleeping process standing for an unrelated process whose pid a record may name.
    final class Bystander {
        // The runner starts it with no signal blocked and its output on /dev/null (an orphaned
        // sleep would hold the test runner's open); ended and reaped on release.
        let process: BackgroundProcess
        init() throws { process = try BackgroundProcess(["/usr/bin/sleep", "300"]) }
        var pid: Int32 { process.pid }
        /// Running, not a zombie.
        var isAlive: Bool { process.isAlive }
    }

    /// Rewrites the pid in the pending record, as someone who can write the directory might.
    func forgeRecordPID(_ pid: Int32) throws {
        let name = try #require(pendingRecords().first)
        let url = URL(fileURLWithPath: runtime + "/" + name)
        var record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        if var process = record["process"] as? [String: Any] {
            process["pid"] = Int(pid)
            record["process"] = process
        } else {
            record["pid"] = Int(pid)  // the record before issue 19
        }
        try JSONSerialization.data(withJSONObject: record).write(to: url)
    }

    @Test func confirmNeverSignalsAProcessTheRecordMerelyNames() throws {
        let ns = try Namespace()
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        let bystander = try Bystander()
        defer { kill(bystander.pid, SIGKILL) }
        #expect(try spoofguard(ns, "apply", example("router.json")).status == 0)

        // A live revert process, its record rewritten to name the bystander.
        #expect(try spoofguard(ns, "apply", example("strict.json"), "--revert-after", "30").status == 0)
        let timer = try #require(try timerPID())
        try forgeRecordPID(bystander.pid)
        let confirm = try spoofguard(ns, "confirm")
        #expect(confirm.status == 0, "\(confirm.error)")
        #expect(confirm.output.contains("confirmed"))
        #expect(confirm.error.contains("not signalled"))
        usleep(300_000)
        #expect(bystander.isAlive, "confirm signalled process \(bystander.pid), which only the record named")
        kill(timer, SIGTERM)

        // A revert process SIGKILLed: its record is stale, and must neither be obeyed nor block.
        #expect(try spoofguard(ns, "apply", example("router.json"), "--revert-after", "30").status == 0)
        let killed = try #require(try timerPID())
        kill(killed, SIGKILL)
        #expect(waitUntilEnded(killed))
        try forgeRecordPID(bystander.pid)
        let stale = try spoofguard(ns, "confirm", "--json")
        #expect(stale.status == 0)
        #expect(stale.output.contains("\"confirmed\": false") && stale.output.contains("\"stale\": true"), "\(stale.output)")
        #expect(stale.error.contains("stale"))
        usleep(300_000)
        #expect(bystander.isAlive)
        #expect(pendingRecords().isEmpty)

        // A stale record left behind does not block the next --revert-after either.
        #expect(try spoofguard(ns, "apply", example("strict.json"), "--revert-after", "30").status == 0)
        let again = try #require(try timerPID())
        kill(again, SIGKILL)
        #expect(waitUntilEnded(again))
        let next = try spoofguard(ns, "apply", example("router.json"), "--revert-after", "30")
        #expect(next.status == 0, "\(next.error)")
        #expect(next.error.contains("stale"))
        #expect(try spoofguard(ns, "confirm").output.contains("confirmed"))
    }

    @Test func plantedSymlinksAreNeverFollowed() throws {
        let ns = try Namespace()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sg-planted-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer {
            try? FileManager.default.removeItem(atPath: scratch)
            try? FileManager.default.removeItem(atPath: runtime)
        }
        let before = try ns.nft("list", "ruleset").output

        // The runtime directory itself a symlink to another directory.
        let elsewhere = scratch + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try FileManager.default.createSymbolicLink(atPath: runtime, withDestinationPath: elsewhere)
        let throughLink = try spoofguard(ns, "apply", example("router.json"), "--revert-after", "2")
        #expect(throughLink.status == 77, "\(throughLink.error)")
        #expect(throughLink.error.contains("symbolic link"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
        #expect(try ns.nft("list", "ruleset").output == before)
        try FileManager.default.removeItem(atPath: runtime)

        // Symlinks at the lock, the record and the failure report, all to one victim file.
        let victim = scratch + "/victim"
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: victim))
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let stem = try Self.stem(ns) + "-spoofguard"
        for suffix in [".lock", ".json", ".revert-failed"] {
            try FileManager.default.createSymbolicLink(atPath: runtime + "/" + stem + suffix, withDestinationPath: victim)
        }
        let lockLinked = try spoofguard(ns, "apply", example("router.json"), "--revert-after", "2")
        #expect(lockLinked.status == 77, "\(lockLinked.error)")
        #expect(lockLinked.error.contains("symbolic link"))
        #expect(try ns.nft("list", "ruleset").output == before)
        try FileManager.default.removeItem(atPath: runtime + "/" + stem + ".lock")
        let applied = try spoofguard(ns, "apply", example("router.json"), "--revert-after", "2")
        #expect(applied.status == 0, "\(applied.error)")
        #expect(try waitForRuleset(ns, before) == before)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        // A runtime directory others may write is refused before anything in it is believed.
        chmod(runtime, 0o777)
        let open = try spoofguard(ns, "apply", example("router.json"), "--revert-after", "2")
        #expect(open.status == 77)
        #expect(open.error.contains("writable by group or others"))
        #expect(try ns.nft("list", "ruleset").output == before)
    }

    @Test func twoSpellingsOfOneNamespaceShareOnePendingRevert() throws {
        let ns = try Namespace()
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        let byPath = ["--netns", "/run/netns/" + ns.name, "--runtime-dir", runtime]
        let first = try KernelCommandTests.execute([KernelCommandTests.binary, "apply", example("router.json"), "--revert-after", "30"] + byPath)
        #expect(first.status == 0, "\(first.error)")
        let applied = try ns.nft("list", "ruleset").output
        let second = try spoofguard(ns, "apply", example("strict.json"), "--revert-after", "30")
        #expect(second.status == 69)
        #expect(second.error.contains("still pending"))
        #expect(try ns.nft("list", "ruleset").output == applied)
        let confirm = try spoofguard(ns, "confirm")
        #expect(confirm.output.contains("confirmed"), "\(confirm.output)")
    }

    /// Five races, each in a fresh namespace where both policies would change the kernel.
    @Test func ofTwoConcurrentRevertAftersExactlyOneIsAccepted() throws {
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        let policies = [example("router.json"), example("strict.json")]
        for round in 1...5 {
            let ns = try Namespace()
            let statuses = Mutex<[Int32]>([])
            let commands = policies.map { [KernelCommandTests.binary, "apply", $0, "--revert-after", "30", "--netns", ns.name, "--runtime-dir", runtime] }
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                let outcome = try? KernelCommandTests.execute(commands[index])
                statuses.withLock { $0.append(outcome?.status ?? -1) }
            }
            #expect(statuses.withLock { $0.sorted() } == [0, 69], "round \(round)")
            #expect(pendingRecords().count == 1, "round \(round)")
            #expect(try spoofguard(ns, "confirm").output.contains("confirmed"), "round \(round)")
        }
    }

    @Test func aPlainApplyInsideTheWindowRefusesUnlessConfirmed() throws {
        let ns = try Namespace()
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        #expect(try spoofguard(ns, "apply", example("router.json"), "--revert-after", "2").status == 0)
        let pendingListing = try ns.nft("list", "ruleset").output
        let plain = try spoofguard(ns, "apply", example("strict.json"))
        #expect(plain.status == 69)
        #expect(plain.error.contains("spoofguard confirm") && plain.error.contains("--confirm"))
        #expect(try ns.nft("list", "ruleset").output == pendingListing)

        let confirmed = try spoofguard(ns, "apply", example("strict.json"), "--confirm")
        #expect(confirmed.status == 0, "\(confirmed.error)")
        let applied = try ns.nft("list", "ruleset").output
        #expect(applied != pendingListing)
        sleep(4)  // past the 2 s window: the cancelled revert must not have run
        #expect(try ns.nft("list", "ruleset").output == applied)
    }

    /// A plain apply or remove takes the pending-revert lock while it runs and removes the lock
    /// file when it is the last holder: no empty lock file per namespace stays behind. A
    /// pending revert's lock file stays as long as its process holds it.
    @Test func plainAppliesLeaveNoLockFileBehind() throws {
        let ns = try Namespace()
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        func locks() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: runtime)) ?? []).filter { $0.hasSuffix(".lock") } }
        #expect(try spoofguard(ns, "apply", example("router.json")).status == 0)
        #expect(locks().isEmpty)
        #expect(try spoofguard(ns, "apply", example("strict.json"), "--revert-after", "2").status == 0)
        #expect(locks() == ["\(try Self.stem(ns))-spoofguard.lock"])
        #expect(try spoofguard(ns, "apply", example("router.json")).status == 69)
        #expect(locks().count == 1)
        // Past the deadline the revert process is gone; the next plain apply removes its lock file.
        var waited = 0
        while waited < 300, try spoofguard(ns, "apply", example("router.json")).status != 0 {
            usleep(100_000)
            waited += 1
        }
        #expect(locks().isEmpty)
        #expect(try spoofguard(ns, "remove").status == 0)
        #expect(locks().isEmpty)
    }

    /// remove inside the window would be undone at the deadline just as an apply: refused the
    /// same way, and with --confirm the revert is cancelled and the table stays removed.
    @Test func removeInsideTheWindowRefusesUnlessConfirmed() throws {
        let ns = try Namespace()
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        #expect(try spoofguard(ns, "apply", example("router.json"), "--revert-after", "2").status == 0)
        let pendingListing = try ns.nft("list", "ruleset").output
        let plain = try spoofguard(ns, "remove")
        #expect(plain.status == 69)
        #expect(plain.error.contains("this remove would be undone") && plain.error.contains("--confirm"), "\(plain.error)")
        #expect(try ns.nft("list", "ruleset").output == pendingListing)

        let confirmed = try spoofguard(ns, "remove", "--confirm")
        #expect(confirmed.status == 0, "\(confirmed.error)")
        #expect(confirmed.output.contains("removed table spoofguard"))
        #expect(try ns.nft("list", "ruleset").output == "")
        sleep(4)  // past the 2 s window: the cancelled revert must not have put the table back
        #expect(try ns.nft("list", "ruleset").output == "")
        #expect(pendingRecords().isEmpty)
    }

    /// A runtime directory that cannot be created for a reason other than permission (its
    /// parent is a regular file) is an operating-system failure: exit 71, with the call, the
    /// path and the errno's text, and nothing applied.
    @Test func aRuntimeDirectoryThatCannotBeCreatedExits71() throws {
        let ns = try Namespace()
        try Data().write(to: URL(fileURLWithPath: runtime))
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        let before = try ns.nft("list", "ruleset").output
        let outcome = try KernelCommandTests.execute([KernelCommandTests.binary, "apply", example("router.json"), "--revert-after", "2",
                                                      "--netns", ns.name, "--runtime-dir", runtime + "/run"])
        #expect(outcome.status == 71, "\(outcome.error)")
        #expect(outcome.error.contains("creating runtime directory \(runtime)/run: Not a directory"), "\(outcome.error)")
        #expect(try ns.nft("list", "ruleset").output == before)
    }
}
