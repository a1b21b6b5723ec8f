import Glibc
import SpoofGuardSystem
import SpoofGuardTestSupport
import SystemPackage
import Testing

/// The one "run on a thread inside a namespace" helper.
struct NamespaceThreadTests {
    struct BodyFailed: Error, Equatable { var value: Int }
    struct Wrapped: Error { var failure: NamespaceThread.Failure }

    static func inode(_ path: String) -> ino_t? {
        var status = stat()
        return stat(path, &status) == 0 ? status.st_ino : nil
    }

    @Test func runsOnAnotherThreadAndPassesResultsAndTypedErrors() throws {
        let caller = pthread_self()
        let (thread, value) = try NamespaceThread.onFreshThread(failure: Wrapped.init) { () throws(Wrapped) in (pthread_self(), 42) }
        #expect(pthread_equal(thread, caller) == 0 && value == 42)
        #expect(throws: BodyFailed(value: 7)) {
            try NamespaceThread.onFreshThread(failure: { _ in BodyFailed(value: 0) }) { () throws(BodyFailed) in throw BodyFailed(value: 7) }
        }
    }

    @Test func namesTheStepThatFailed() {
        do {
            try NamespaceThread.run(inNetworkNamespace: "/nonexistent/netns", failure: Wrapped.init) { () throws(Wrapped) in }
            Issue.record("entered a missing namespace")
        } catch {
            #expect(error.failure == .open(path: "/nonexistent/netns", .noSuchFileOrDirectory))
        }
        // A file that is not a namespace: setns refuses it (EINVAL), whatever the privileges.
        do {
            try NamespaceThread.run(inNetworkNamespace: "/dev/null", failure: Wrapped.init) { () throws(Wrapped) in }
            Issue.record("entered /dev/null")
        } catch {
            #expect(error.failure == .enter(path: "/dev/null", .invalidArgument))
        }
    }

    @Test(.kernel) func theThreadIsInsideTheNamespaceAndTheCallerIsNot() throws {
        let namespace = try TestNamespace()
        let target = try #require(Self.inode(namespace.path))
        let own = try #require(Self.inode("/proc/thread-self/ns/net"))
        #expect(target != own)
        let inside = try NamespaceThread.run(inNetworkNamespace: namespace.path, failure: Wrapped.init) { () throws(Wrapped) in
            Self.inode("/proc/thread-self/ns/net")
        }
        #expect(inside == target)
        #expect(Self.inode("/proc/thread-self/ns/net") == own)
    }
}
