import Glibc
@testable import SpoofGuardNetlink
import Testing

/// Which failures a concurrent commit explains, and what the user reads when retries run out.
@Suite struct ConcurrentChangeErrorTests {
    @Test func onlyChangeShapedFailuresAreRetried() {
        let restart = NetlinkError(errno: ERESTART, operation: "starting the nf_tables transaction")
        let interrupted = NetlinkError(errno: EINTR, operation: "listing rules of inet table spoofguard (the ruleset changed during the dump)")
        let vanished = NetlinkError(errno: ENOENT, operation: "listing elements of set source_ipv6")
        #expect(ConcurrentChangeError.isCausedByChange(restart, generationMoved: false))
        #expect(ConcurrentChangeError.isCausedByChange(interrupted, generationMoved: false))
        #expect(ConcurrentChangeError.isCausedByChange(vanished, generationMoved: true))
        // ENOENT with the generation standing still is a real absence, and other errors are never retried.
        #expect(!ConcurrentChangeError.isCausedByChange(vanished, generationMoved: false))
        #expect(!ConcurrentChangeError.isCausedByChange(NetlinkError(errno: EPERM, operation: "listing tables"), generationMoved: true))
    }

    @Test func messageListsEachChangeAndWhatToDo() {
        let vanished = NetlinkError(errno: ENOENT, operation: "listing elements of set source_ipv6")
        let error = ConcurrentChangeError(operation: "reading table spoofguard", changes: [
            ConcurrentChangeError.describe(vanished, from: 7, to: 9),
            ConcurrentChangeError.describe(NetlinkError(errno: ERESTART, operation: "starting the nf_tables transaction"), from: 9, to: 10),
        ])
        #expect(error.description == "reading table spoofguard failed: the ruleset changed underneath spoofguard on each of 2 attempts "
            + "(generation 7 → 9: listing elements of set source_ipv6: ENOENT, the object was deleted while being read; "
            + "generation 9 → 10: starting the nf_tables transaction: ERESTART, a commit came between reading and writing); "
            + "another process (another spoofguard apply or remove, nft, a firewall manager) is changing nf_tables: "
            + "run the command again once it is done")
    }
}
