internal import CNetfilter
import Glibc
import SpoofGuard

/// A growable, contiguous buffer of netlink messages built in place by libnftnl, sent with
/// one `sendmsg` (the kernel needs the whole batch in one call to make it one transaction).
final class MessageBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    private(set) var length = 0
    private(set) var messageCount = 0
    /// Where each message starts, by sequence number, to locate a bad attribute the kernel points at.
    private(set) var startBySeq: [UInt32: Int] = [:]
    /// Room guaranteed before each message: nested element lists stay below 64 KiB.
    static let headroom = 256 * 1024

    /// Zeroed, as is all room added later: libmnl 1.0.4 skips the padding after an attribute,
    /// so the batch would otherwise carry whatever the heap held there (and would not be the
    /// same bytes from one build to the next).
    init(capacity: Int = 1 << 20) {
        self.capacity = capacity
        base = calloc(capacity, 1)!
    }

    deinit { free(base) }

    private func reserve() {
        guard length + Self.headroom > capacity else { return }
        let old = capacity
        capacity = max(capacity * 2, length + Self.headroom)
        base = realloc(base, capacity)!
        memset(base + old, 0, capacity - old)
    }

    /// Appends one message; `payload` fills in the attributes after libnftnl's header.
    func append(_ build: (UnsafeMutablePointer<CChar>) -> UnsafeMutablePointer<nlmsghdr>,
                payload: (UnsafeMutablePointer<nlmsghdr>) -> Void = { _ in }) {
        reserve()
        let header = build((base + length).assumingMemoryBound(to: CChar.self))
        payload(header)
        startBySeq[header.pointee.nlmsg_seq] = length
        let size = Int(header.pointee.nlmsg_len)
        precondition(size <= Self.headroom, "netlink message of \(size) bytes exceeds the reserved room")
        length += (size + 3) & ~3
        messageCount += 1
    }

    /// Appends one nf_tables message of `type` with libnftnl's header.
    func append(_ type: NftMessage, family: TableFamily, flags: Int32, seq: UInt32,
                payload: (UnsafeMutablePointer<nlmsghdr>) -> Void) {
        append({ nftnl_nlmsg_build_hdr($0, type.rawValue, UInt16(family.nfproto), UInt16(flags), seq) }, payload: payload)
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: length) }

    /// Which expression of a NEWRULE message (or element of a NEWSETELEM message) holds the byte
    /// at `offset`, e.g. "expression 4 (limit)"; nil when the offset is elsewhere.
    func describeAttribute(seq: UInt32, offset: Int) -> String? {
        guard let start = startBySeq[seq] else { return nil }
        let message = UnsafeRawPointer(base + start)
        let header = message.loadUnaligned(as: nlmsghdr.self)
        let end = Int(header.nlmsg_len)
        let kind = header.nlmsg_type & 0xff
        // NFTA_RULE_EXPRESSIONS = 4; NFTA_SET_ELEM_LIST_ELEMENTS = 3.
        let listType: UInt16 = kind == NftMessage.newRule.rawValue ? 4 : kind == NftMessage.newSetElement.rawValue ? 3 : 0
        guard listType != 0 else { return nil }
        var position = MemoryLayout<nlmsghdr>.size + 4   // past struct nfgenmsg
        while position + 4 <= end {
            let length = Int(message.loadUnaligned(fromByteOffset: position, as: UInt16.self))
            let type = message.loadUnaligned(fromByteOffset: position + 2, as: UInt16.self) & 0x3fff
            guard length >= 4 else { return nil }
            if type == listType, offset >= position, offset < position + length {
                var item = position + 4
                var index = 0
                while item + 4 <= position + length {
                    let itemLength = Int(message.loadUnaligned(fromByteOffset: item, as: UInt16.self))
                    guard itemLength >= 4 else { return nil }
                    if offset >= item, offset < item + itemLength {
                        guard listType == 4 else { return "element \(index + 1) of this message" }
                        // NFTA_EXPR_NAME = 1 is the first attribute inside each expression.
                        let nameLength = Int(message.loadUnaligned(fromByteOffset: item + 4, as: UInt16.self))
                        let raw = UnsafeRawBufferPointer(start: message + item + 8, count: max(0, nameLength - 4))
                        return "expression \(index + 1) (\(String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)))"
                    }
                    item += (itemLength + 3) & ~3
                    index += 1
                }
                return nil
            }
            position += (length + 3) & ~3
        }
        return nil
    }
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
