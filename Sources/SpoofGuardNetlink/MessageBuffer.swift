import CNetfilter
import Glibc

/// A growable, contiguous buffer of netlink messages built in place by libnftnl, sent with
/// one `sendmsg` (the kernel needs the whole batch in one call to make it one transaction).
final class MessageBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    private(set) var length = 0
    private(set) var messageCount = 0
    /// Room guaranteed before each message: nested element lists stay below 64 KiB.
    static let headroom = 256 * 1024

    init(capacity: Int = 1 << 20) {
        self.capacity = capacity
        base = malloc(capacity)!
    }

    deinit { free(base) }

    private func reserve() {
        guard length + Self.headroom > capacity else { return }
        capacity = max(capacity * 2, length + Self.headroom)
        base = realloc(base, capacity)!
    }

    /// Appends one message; `payload` fills in the attributes after libnftnl's header.
    func append(_ build: (UnsafeMutablePointer<CChar>) -> UnsafeMutablePointer<nlmsghdr>,
                payload: (UnsafeMutablePointer<nlmsghdr>) -> Void = { _ in }) {
        reserve()
        let header = build((base + length).assumingMemoryBound(to: CChar.self))
        payload(header)
        let size = Int(header.pointee.nlmsg_len)
        precondition(size <= Self.headroom, "netlink message of \(size) bytes exceeds the reserved room")
        length += (size + 3) & ~3
        messageCount += 1
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: length) }
}

/// `(NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_*` is formed by libnftnl; these are the NFT_MSG_* numbers.
enum NftMessage: UInt16 {
    case newTable = 0, getTable = 1, delTable = 2
    case newChain = 3, getChain = 4
    case newRule = 6, getRule = 7
    case newSet = 9, getSet = 10
    case newSetElement = 12, getSetElement = 13
    case newGen = 15, getGen = 16

    var kernelType: UInt16 { UInt16(NFNL_SUBSYS_NFTABLES) << 8 | rawValue }
}
