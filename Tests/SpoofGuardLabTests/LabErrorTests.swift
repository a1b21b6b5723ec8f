import Glibc
@testable import SpoofGuardLab
import SpoofGuardSystem
import SystemPackage
import Testing

/// The lab's errors decide on the typed errno, including the one iproute2 prints as text.
struct LabErrorTests {
    @Test func readsTheErrnoAnExternalCommandReported() {
        let refused = LabError.command(arguments: ["ip", "netns", "add", "x"], status: 1,
                                       output: "mount --make-shared /run/netns failed: \(Errno.notPermitted)\n")
        #expect(refused.reportedErrno == .notPermitted && refused.isPermissionDenied)
        let other = LabError.command(arguments: ["ip", "link", "add"], status: 2, output: "RTNETLINK answers: File exists\n")
        #expect(other.reportedErrno == nil && !other.isPermissionDenied)
        #expect(LabError.system(call: "setns", errno: EACCES, context: "x").isPermissionDenied)
    }

    @Test func namesTheStepANamespaceThreadFailedAt() {
        let path = "/run/netns/x"
        #expect(LabError(namespaceThread: .enter(path: path, .notPermitted), path: path).description.hasPrefix("permission denied: setns into /run/netns/x"))
        #expect(LabError(namespaceThread: .open(path: path, .noSuchFileOrDirectory), path: path).description
                == "open failed for /run/netns/x: No such file or directory (errno 2)")
    }

    @Test func aProgramThatCannotStartIsNamed() {
        #expect(LabError(ChildProcess.Failure.notFound("ip")).description == "`ip` is not installed; the kernel lab needs iproute2")
        #expect(LabError(ChildProcess.Failure.cannotStart(["ip"], .spawn(executable: "/sbin/ip", .noSuchFileOrDirectory))).description
                == "`ip` exited with status 126: No such file or directory")
    }
}
