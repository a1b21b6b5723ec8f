import Glibc
import SpoofGuardNetlink
import SystemPackage
import Testing

@Suite struct NetlinkErrorTests {
    @Test func namesTheErrnoThePolicyEntryAndTheKernelText() {
        let error = NetlinkError(errno: ENOENT, operation: "adding rule 3 of chain log_and_drop in inet table spoofguard",
                                 policyEntry: "action.verdict", kernelMessage: "chain not found")
        #expect(error.errnoName == "ENOENT")
        #expect(error.description == "adding rule 3 of chain log_and_drop in inet table spoofguard failed: ENOENT (No such file or directory) — policy entry \"action.verdict\"; kernel says: chain not found")
    }

    @Test func permissionErrorsSayWhichCapabilityAndHowToGetIt() {
        let netAdmin = NetlinkError(errno: EPERM, operation: "listing tables")
        #expect(netAdmin.isPermissionDenied)
        let setns = NetlinkError(errno: EPERM, operation: "entering network namespace /run/netns/x", capability: "CAP_SYS_ADMIN")
        if geteuid() == 0 {
            // sudo would change nothing for root: the message names the missing capability.
            #expect(netAdmin.description.contains("runs as root but lacks CAP_NET_ADMIN"))
            #expect(setns.description.contains("runs as root but lacks CAP_SYS_ADMIN"))
            #expect(!netAdmin.description.contains("sudo") && !setns.description.contains("sudo"))
        } else {
            #expect(netAdmin.description.contains("needs CAP_NET_ADMIN: run it with sudo (or, for testing, inside `unshare -Urn`)"))
            #expect(setns.description.contains("this needs CAP_SYS_ADMIN"))
        }
    }

    /// The errno is typed: callers decide on the value, and EACCES counts as EPERM does.
    @Test func theErrnoIsTypedAndBothPermissionErrorsCount() {
        #expect(NetlinkError(errno: EPERM, operation: "x").errno == .notPermitted)
        #expect(NetlinkError(errno: Errno.permissionDenied, operation: "x").isPermissionDenied)
        #expect(!NetlinkError(errno: ENOENT, operation: "x").isPermissionDenied)
        #expect(NetlinkError(errno: ERESTART, operation: "x").errnoName == "ERESTART")
    }

    @Test func classifiesOutcomeUnknownAndMissingNfTables() {
        #expect(NetlinkError(errno: ENOBUFS, operation: "x").isOutcomeUnknown)
        #expect(NetlinkError(errno: EPROTONOSUPPORT, operation: "x").isMissingNfTables)
        #expect(!NetlinkError(errno: EEXIST, operation: "x").isMissingNfTables)
    }

    @Test func namespaceNamesLiveUnderRunNetns() {
        #expect(NetworkNamespace(nameOrPath: "blue").path == "/run/netns/blue")
        #expect(NetworkNamespace(nameOrPath: "/proc/1/ns/net").path == "/proc/1/ns/net")
    }

    @Test func missingNamespaceIsAClearError() {
        do {
            _ = try NetfilterKernel(namespace: NetworkNamespace(nameOrPath: "sg-no-such-namespace-\(getpid())"))
            Issue.record("opening a missing namespace must fail")
        } catch {
            #expect(error.errnoName == "ENOENT")
            #expect(error.operation.contains("/run/netns/sg-no-such-namespace"))
        }
    }
}
