import Foundation
import SpoofGuardLab
import SpoofGuardSystem
import Testing
import SpoofGuardTestSupport

/// Which lab namespaces a `try` may sweep (issue 19, item 5): only those whose lock nobody
/// holds, whichever PID namespace the sweeper runs in.
@Suite(.serialized, .kernel)
struct TryLabOwnershipTests {
    /// `try` started in a new PID namespace, where this process's pid means nothing (or someone
    /// else), sweeps before it builds its own lab.
    @Test func aTryInAnotherPIDNamespaceLeavesARunningLabAlone() throws {
        guard let binary = BuiltBinary.path else { throw BuiltBinary.MissingBinary() }
        let running = try LabNamespace(role: "running")
        defer { running.delete() }
        let sweeper = try ChildProcess.run(["unshare", "--pid", "--fork", binary, "try", "Examples/router.json", "--count", "20", "--seed", "1"],
                                           directory: BuiltBinary.packageRoot.path)
        #expect(sweeper.status == 0, "\(sweeper.standardOutput)\(sweeper.standardError)")
        #expect(FileManager.default.fileExists(atPath: running.path), "a try in another PID namespace deleted a running lab")
    }

    /// A SIGKILLed `try` leaves its lab; the next `try` takes its abandoned locks and removes it.
    @Test func aKilledTrysLabIsSweptByTheNext() throws {
        guard let binary = BuiltBinary.path else { throw BuiltBinary.MissingBinary() }
        let process = try BackgroundProcess([binary, "try", BuiltBinary.packageRoot.appendingPathComponent("Examples/router.json").path, "--count", "1000000"])
        let prefix = "\(LabNamespace.labPrefix)\(process.pid)-"
        var labs: [String] = []
        for _ in 0..<200 where labs.count < 2 {
            usleep(50_000)
            labs = ((try? FileManager.default.contentsOfDirectory(atPath: LabNamespace.directory)) ?? []).filter { $0.hasPrefix(prefix) }
        }
        process.kill(SIGKILL)
        try process.wait()
        #expect(labs.count == 2, "the killed try had built \(labs)")
        let next = try ChildProcess.run([binary, "try", "Examples/router.json", "--count", "20", "--seed", "1"], directory: BuiltBinary.packageRoot.path)
        #expect(next.status == 0, "\(next.standardError)")
        for lab in labs {
            #expect(!FileManager.default.fileExists(atPath: LabNamespace.directory + "/" + lab), "\(lab) survived the next try")
        }
    }
}
