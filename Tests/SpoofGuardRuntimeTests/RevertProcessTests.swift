import Foundation
@testable import SpoofGuardRuntime
import SpoofGuardSystem
import Testing

/// Starting the revert process of `apply --revert-after` and reading its report, with a shell
/// in place of `spoofguard revert-pending`.
struct RevertProcessTests {
    final class Pending {
        let scratch = try! RuntimeDirectoryTests.Scratch()
        let state: PendingRevert
        var lock: FileLock?

        init() throws {
            let directory = try #require(try RuntimeDirectory.open(scratch.path, create: false))
            state = PendingRevert(directory: directory, namespace: FileIdentity(device: 1, inode: 2), table: "spoofguard")
            guard case .acquired(let taken, _) = try state.acquire() else { throw RuntimeError(.system, "the lock was taken") }
            lock = taken
        }

        func start(_ script: String) throws -> (report: RevertProcess.Report, process: RevertProcess) {
            try RevertProcess.start(executable: "/bin/sh", ["-c", script], lock: lock!, state: state)
        }
    }

    @Test func readsTheReportLines() {
        #expect(RevertProcess.Report(parsing: "ready\n") == .ready)
        #expect(RevertProcess.Report(parsing: RevertProcess.Report.errorLine(exitCode: 77, message: "no permission") + "\n")
                == .failed(exitCode: 77, message: "no permission"))
        #expect(RevertProcess.Report(parsing: "it crashed\n") == .failed(exitCode: nil, message: "it crashed"))
        #expect(RevertProcess.Report(parsing: "") == .failed(exitCode: nil, message: ""))
    }

    /// The revert process holds the lock at descriptor 3 and nothing of its parent's beyond its
    /// standard streams, and it keeps the lock after the parent lets go of its own descriptor.
    @Test func theChildHoldsTheLockAtDescriptor3AndNothingElse() throws {
        let pending = try Pending()
        var leaked: [Int32] = [-1, -1]
        try #require(pipe(&leaked) == 0)  // no CLOEXEC: a careless spawn would hand it on
        defer { close(leaked[0]); close(leaked[1]) }
        let script = """
            for n in \(leaked[0]) \(leaked[1]); do test $n = 3 || ! test -e /proc/$$/fd/$n || { echo "error 70 descriptor $n leaked"; exit 70; }; done
            test "$(readlink /proc/$$/fd/3)" = "\(pending.scratch.path)/\(pending.state.lockName)" || { echo "error 70 no lock at 3"; exit 70; }
            echo ready; exec sleep 30 >/dev/null
            """
        let (report, process) = try pending.start(script)
        #expect(report == .ready)
        // The parent's descriptor goes; the lock stays held by the child's copy.
        pending.lock = nil
        let other = try #require(try pending.state.directory.openLock(pending.state.lockName, create: false))
        #expect(try other.tryLock() == false)
        // A record makes `cancel` decide: it removes the record and ends the child.
        try pending.state.write(.init(process: try #require(ProcessIdentity.current()), table: "spoofguard", netns: nil,
                                      namespace: pending.state.namespace, deadline: "", previous: ""))
        process.cancel()
        #expect(try Spawn.wait(process.pid).status == 128 + SIGTERM)
        #expect(pending.state.readRecord() == nil)
        #expect(try other.tryLock() == true)
    }

    @Test func aChildThatCannotStartSaysWhyAndWithWhichCode() throws {
        let pending = try Pending()
        let (report, process) = try pending.start("echo 'error 77 this needs CAP_NET_ADMIN'; exit 77")
        #expect(report == .failed(exitCode: 77, message: "this needs CAP_NET_ADMIN"))
        #expect(try Spawn.wait(process.pid).status == 77)
    }
}
