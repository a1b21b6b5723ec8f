internal import CNetfilter
import Glibc
import SpoofGuard

/// A netlink socket subscribed to one multicast group: RTNLGRP_LINK on NETLINK_ROUTE, or
/// NFNLGRP_NFTABLES on NETLINK_NETFILTER. Reads whole datagrams, never blocks (poll first).
final class EventSocket {
    private let socket: OpaquePointer
    let label: String
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)

    static let linkGroup: Int32 = 1        // RTNLGRP_LINK
    static let nftablesGroup: Int32 = 7    // NFNLGRP_NFTABLES

    init(bus: Int32, group: Int32, label: String, namespace: NetworkNamespace?) throws(NetlinkError) {
        self.label = label
        socket = try NetlinkSocket.open(bus, label, in: namespace)
        var member = group
        let fd = mnl_socket_get_fd(socket)
        guard setsockopt(fd, 270 /* SOL_NETLINK */, 1 /* NETLINK_ADD_MEMBERSHIP */, &member, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            let error = Glibc.errno
            mnl_socket_close(socket)
            throw NetlinkError(errno: error, operation: "subscribing to \(label) events")
        }
        // A burst of events must not overflow the queue while an apply runs (ENOBUFS loses them).
        var size: Int32 = 4 << 20
        if setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { mnl_socket_close(socket) }

    var fd: Int32 { mnl_socket_get_fd(socket) }

    enum Drained {
        case messages([[UInt8]])
        /// The kernel dropped events (ENOBUFS): whatever they said is unknown.
        case overflowed([[UInt8]])
    }

    /// Every message queued now, each whole (header included).
    func drain() throws(NetlinkError) -> Drained {
        var messages: [[UInt8]] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { buffer in
                Uninterrupted.call { recv(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT)) }
            }
            if count < 0 {
                switch Glibc.errno {
                case EAGAIN, EWOULDBLOCK: return .messages(messages)
                case ENOBUFS: return .overflowed(messages)
                case let error: throw NetlinkError(errno: error, operation: "reading \(label) events")
                }
            }
            var offset = 0
            while offset + 16 <= count {
                let length = Int(buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self) })
                guard length >= 16, offset + length <= count else { break }
                messages.append(Array(buffer[offset..<offset + length]))
                offset += (length + 3) & ~3
            }
        }
    }
}

/// What one nf_tables event message says: its kind, family and table (attribute 1 of every
/// object message is the table's name), or, for NFT_MSG_NEWGEN, the committing process.
struct NftablesEvent {
    var type: UInt16
    var family: UInt8
    var table: String?
    /// NFTA_GEN_PROC_PID of a NEWGEN message: the thread that committed the batch.
    var committer: UInt32?

    static let newGen: UInt16 = 15

    init?(_ message: [UInt8]) {
        guard message.count >= 20 else { return nil }
        let rawType = message.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: UInt16.self) }
        guard rawType >> 8 == UInt16(NFNL_SUBSYS_NFTABLES) else { return nil }
        type = rawType & 0xff
        family = message[16]
        var position = 20
        let end = min(message.count, Int(message.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt32.self) }))
        while position + 4 <= end {
            let (length, attribute) = message.withUnsafeBytes {
                (Int($0.loadUnaligned(fromByteOffset: position, as: UInt16.self)), $0.loadUnaligned(fromByteOffset: position + 2, as: UInt16.self) & 0x3fff)
            }
            guard length >= 4, position + length <= end else { break }
            let value = message[(position + 4)..<(position + length)]
            if type == Self.newGen {
                // NFTA_GEN_PROC_PID = 2, a big-endian u32.
                if attribute == 2, value.count == 4 { committer = value.reduce(0) { $0 << 8 | UInt32($1) } }
            } else if attribute == 1 {
                table = String(decoding: value.prefix { $0 != 0 }, as: UTF8.self)
            }
            position += (length + 3) & ~3
        }
    }

    /// "deleted" / "changed", for the log line.
    var verb: String {
        switch type {
        case 2: "deleted"                 // NFT_MSG_DELTABLE
        case 5, 8, 11, 14: "edited (an object deleted)"
        default: "edited"
        }
    }
}
