import Glibc
import SpoofGuardSystem
import SystemPackage

/// A failure talking to nf_tables: the errno with its name and meaning, what was being done,
/// the kernel object and policy entry it concerned, and the kernel's extended-ack text.
public struct NetlinkError: Error, Sendable, CustomStringConvertible {
    /// Typed, so that callers decide on the value (`isPermissionDenied`), never on its text.
    public var errno: Errno
    /// What spoofguard was doing, e.g. "adding rule 2 of chain prerouting".
    public var operation: String
    /// The policy entry that produced the failing object (its rule comment), if known.
    public var policyEntry: String?
    /// NETLINK_EXT_ACK text from the kernel, if it sent one.
    public var kernelMessage: String?
    /// The capability whose absence an EPERM here means.
    public var capability: String
    /// Other messages of the same transaction that the kernel also refused, described as above.
    public var otherFailures: [String] = []

    /// `errno` as a system call or the kernel's ack returned it.
    public init(errno code: Int32, operation: String, policyEntry: String? = nil, kernelMessage: String? = nil,
                capability: String = "CAP_NET_ADMIN") {
        self.init(errno: Errno(rawValue: code), operation: operation, policyEntry: policyEntry, kernelMessage: kernelMessage, capability: capability)
    }

    public init(errno: Errno, operation: String, policyEntry: String? = nil, kernelMessage: String? = nil,
                capability: String = "CAP_NET_ADMIN") {
        self.errno = errno
        self.operation = operation
        self.policyEntry = policyEntry
        self.kernelMessage = kernelMessage
        self.capability = capability
    }

    public var errnoName: String { Self.names[errno.rawValue] ?? "errno \(errno.rawValue)" }
    /// strerror's text.
    public var meaning: String { errno.description }

    public var isPermissionDenied: Bool { errno.isPermissionDenied }
    /// The kernel has no nfnetlink or no nf_tables.
    public var isMissingNfTables: Bool { errno == .protocolNotSupported || errno == .addressFamilyNotSupported || readRefused }
    /// A read (GET) request was answered EOPNOTSUPP: nfnetlink has no nf_tables subsystem.
    var readRefused = false
    /// The kernel answered a request with this error (rather than a system call failing).
    public internal(set) var isKernelReply = false
    /// Replies were lost: whether the transaction committed is unknown until read back.
    public var isOutcomeUnknown: Bool { errno == .noBufferSpace }

    public var description: String {
        var text = "\(operation) failed: \(errnoName) (\(meaning))"
        if let policyEntry { text += " — policy entry \"\(policyEntry)\"" }
        if let kernelMessage, !kernelMessage.isEmpty { text += "; kernel says: \(kernelMessage)" }
        if isPermissionDenied {
            // Root without the capability (a container, a dropped bounding set, a namespace
            // owned by another user namespace) gains nothing from sudo: say what is missing.
            text += geteuid() == 0
                ? "; this process runs as root but lacks \(capability) over this network namespace (dropped from its capability set, or the namespace belongs to another user namespace)"
                : capability == "CAP_NET_ADMIN"
                ? "; spoofguard needs CAP_NET_ADMIN: run it with sudo (or, for testing, inside `unshare -Urn`)"
                : "; this needs \(capability): run it with sudo"
        } else if errno == .messageTooLong {
            text += "; the transaction is larger than the socket's send buffer, which only a process with CAP_NET_ADMIN in the initial namespace can force: run as root, or raise net.core.wmem_max"
        } else if errno == .restart {
            text += "; the ruleset changed while spoofguard was applying: run apply again"
        }
        if !otherFailures.isEmpty {
            text += "\n  the kernel also refused \(otherFailures.count) more message\(otherFailures.count == 1 ? "" : "s"):"
            for failure in otherFailures.prefix(5) { text += "\n    \(failure)" }
            if otherFailures.count > 5 { text += "\n    …" }
        }
        return text
    }

    static let names: [CInt: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", EINTR: "EINTR", EIO: "EIO", ENOMEM: "ENOMEM", EACCES: "EACCES",
        EBUSY: "EBUSY", EEXIST: "EEXIST", ENODEV: "ENODEV", EINVAL: "EINVAL", ENFILE: "ENFILE",
        EMFILE: "EMFILE", ENOSPC: "ENOSPC", ERANGE: "ERANGE", EAGAIN: "EAGAIN", EMSGSIZE: "EMSGSIZE",
        EPROTONOSUPPORT: "EPROTONOSUPPORT", EOPNOTSUPP: "EOPNOTSUPP", EAFNOSUPPORT: "EAFNOSUPPORT",
        ENOBUFS: "ENOBUFS", ELOOP: "ELOOP", E2BIG: "E2BIG", EOVERFLOW: "EOVERFLOW", ERESTART: "ERESTART",
        ENOTDIR: "ENOTDIR", EBADF: "EBADF",
    ]
}

extension Errno {
    /// ERESTART: nf_tables aborted a transaction because the ruleset changed meanwhile (swift-system names no such case).
    static var restart: Errno { Errno(rawValue: ERESTART) }
}
