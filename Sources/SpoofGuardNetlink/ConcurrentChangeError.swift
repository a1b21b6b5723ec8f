import Glibc
import SystemPackage

/// Another process kept committing to nf_tables while spoofguard read or wrote its table, and
/// every attempt (`NetfilterKernel.attempts`) was interrupted. Names each change it saw.
public struct ConcurrentChangeError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    /// One line per interrupted attempt: the generations and the failure that showed the change.
    public var changes: [String]

    public var description: String {
        "\(operation) failed: the ruleset changed underneath spoofguard on each of \(changes.count) attempts ("
            + changes.joined(separator: "; ")
            + "); another process (another spoofguard apply or remove, nft, a firewall manager) is changing nf_tables: "
            + "run the command again once it is done"
    }

    /// Errors that a commit by someone else explains: the kernel refused a batch built on an old
    /// generation (ERESTART), flagged a dump as inconsistent (EINTR, NLM_F_DUMP_INTR), or a dump
    /// lost its table or set (ENOENT) while the generation moved.
    static func isCausedByChange(_ error: NetlinkError, generationMoved: Bool) -> Bool {
        error.errno == .restart || error.errno == .interrupted || (error.errno == .noSuchFileOrDirectory && generationMoved)
    }

    static func describe(_ error: NetlinkError, from start: UInt32, to now: UInt32) -> String {
        let what = switch error.errno.rawValue {
        case ENOENT: "the object was deleted while being read"
        case EINTR: "the dump was interrupted by a commit"
        default: "a commit came between reading and writing"
        }
        let generations = start == now ? "generation \(start)" : "generation \(start) → \(now)"
        return "\(generations): \(error.operation): \(error.errnoName), \(what)"
    }
}
