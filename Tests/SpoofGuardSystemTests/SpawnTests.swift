import Glibc
import SpoofGuard
import SpoofGuardSystem
import SystemPackage
import Testing

/// The one spawn routine and the one process runner built on it.
struct SpawnTests {
    @Test func runsToItsEndWithOutputInputStatusAndDirectory() throws {
        let child = try ChildProcess.run(["sh", "-c", "pwd; cat; echo to-stderr >&2; exit 3"],
                                         standardInput: Array("from stdin\n".utf8), directory: "/proc")
        #expect(child.status == 3)
        #expect(child.standardOutput == "/proc\nfrom stdin\n")
        #expect(child.standardError == "to-stderr\n")
        #expect(child.seconds > 0 && child.pid > 0)
    }

    /// Also: the child starts with no signal blocked, whatever the spawning thread blocks (a
    /// test thread blocks nearly all, and SIGTERM would not end the child).
    @Test func aSignalEndsItWith128PlusTheSignal() throws {
        var all = sigset_t(), previous = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_SETMASK, &all, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        let child = try ChildProcess.run(["sh", "-c", "kill -TERM $$"])
        #expect(child.status == 128 + SIGTERM)
    }

    @Test func saysWhatCouldNotBeStarted() {
        #expect(throws: ChildProcess.Failure.self) { try ChildProcess.run(["spoofguard-no-such-tool"]) }
        do {
            _ = try ChildProcess.run(["/nonexistent/tool"])
            Issue.record("a missing executable was started")
        } catch {
            guard case .cannotStart(_, .spawn(_, let code)) = error else { Issue.record("\(error)"); return }
            #expect(code == .noSuchFileOrDirectory)
            #expect(error.description == "`/nonexistent/tool` cannot start: No such file or directory")
        }
        do {
            _ = try ChildProcess.run(["true"], directory: "/nonexistent")
            Issue.record("a missing directory was accepted")
        } catch {
            guard case .cannotStart(_, .spawn(_, let code)) = error else { Issue.record("\(error)"); return }
            #expect(code == .noSuchFileOrDirectory)
        }
    }

    /// A child that outlives its parent must hold exactly what it was given: the passed
    /// descriptor at its place, none of the parent's others (not even those without CLOEXEC).
    @Test func closingInheritedKeepsOnlyWhatIsPassed() throws {
        var leaked: [Int32] = [-1, -1]
        try #require(pipe(&leaked) == 0)  // no CLOEXEC: would be inherited
        defer { close(leaked[0]); close(leaked[1]) }
        let passed = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { close(passed) }
        var output: [Int32] = [-1, -1]
        try #require(pipe(&output) == 0)
        for end in output { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        // The shell tests its own descriptors (/proc/$$ is the shell; `test -e` opens nothing).
        let target: Int32 = 100
        let script = [leaked[0], leaked[1], passed].map { "test -e /proc/$$/fd/\($0) && echo \($0);" }.joined()
            + " test -e /proc/$$/fd/\(target) || echo missing"
        let pid = try Spawn.start(["/bin/sh", "-c", script], standardOutput: .descriptor(output[1]),
                                  passing: [(passed, target)], closingInherited: true)
        close(output[1])
        let listed = String(decoding: Uninterrupted.readToEnd(output[0]).bytes, as: UTF8.self)
        close(output[0])
        #expect(try Spawn.wait(pid).status == 0)
        #expect(listed == "", "inherited: \(listed)")
        // Without closingInherited, the descriptor without CLOEXEC is inherited.
        let again = try ChildProcess.run(["/bin/sh", "-c", "test -e /proc/$$/fd/\(leaked[1])"])
        #expect(again.status == 0)
    }

    @Test func locatesOnPathAndFindsItsOwnExecutable() throws {
        #expect(Spawn.locate("sh").map { access($0, X_OK) == 0 } == true)
        #expect(Spawn.locate("/absolute/is/kept") == "/absolute/is/kept")
        #expect(Spawn.locate("spoofguard-no-such-tool") == nil)
        let own = try Spawn.currentExecutable()
        #expect(own.hasPrefix("/") && access(own, X_OK) == 0)
    }

    @Test func waitReportsAChildThatIsNotOurs() {
        #expect(throws: Errno.noChildProcess) { try Spawn.wait(1) }
    }
}
