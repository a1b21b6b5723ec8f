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
        #expect(LabError.system(call: "setns", errno: .permissionDenied, context: "x").isPermissionDenied)
    }

    /// A failed call carries its `Errno`: the message names it as strerror does, with its
    /// number, and only EPERM/EACCES count as a missing permission (exit 77; else 71).
    @Test func aFailedCallNamesItsErrno() throws {
        let refused = LabError.system(call: "send", errno: .messageTooLong, context: "frame for x")
        #expect(refused.description == "send failed for frame for x: Message too long (errno 90)")
        #expect(!refused.isPermissionDenied)
        do {
            _ = try LabError.check(-EPERM, "AF_PACKET socket", "veth0")
            Issue.record("a negative result passed")
        } catch {
            #expect(error.isPermissionDenied && error.description.hasPrefix("permission denied: AF_PACKET socket for veth0"))
        }
        do {
            _ = try LabError.check(-ENODEV, "AF_PACKET socket", "veth0")
            Issue.record("a negative result passed")
        } catch {
            guard case .system(_, let code, _) = error else { Issue.record("\(error)"); return }
            #expect(code == Errno(rawValue: ENODEV) && !error.isPermissionDenied)
            #expect(error.description == "AF_PACKET socket failed for veth0: No such device (errno 19)")
        }
        #expect(try LabError.check(3, "UDP listener", "port 9") == 3)
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
