internal import CNetfilter
import Glibc
import SpoofGuard

/// One reply from the kernel to a batch message: an error (or ACK when `errno` is 0) for `seq`.
struct NetlinkAck {
    var seq: UInt32
    var errno: Int32
    var message: String?
    /// NLMSGERR_ATTR_OFFS: byte offset of the offending attribute in the request.
    var offset: Int?
}

/// An `AF_NETLINK`/`NETLINK_NETFILTER` socket, bound in the namespace it was opened in.
final class NetlinkSocket {
    private let socket: OpaquePointer
    let portID: UInt32
    private var nextSeq: UInt32
    private var receiveBuffer: UnsafeMutableRawPointer
    static let receiveSize = 1 << 20

    init(namespace: NetworkNamespace?) throws(NetlinkError) {
        socket = try Self.open(NETLINK_NETFILTER, "netfilter", in: namespace)
        portID = mnl_socket_get_portid(socket)
        nextSeq = UInt32(truncatingIfNeeded: time(nil))
        receiveBuffer = malloc(Self.receiveSize)!
        var on: Int32 = 1
        // Extended ack text, and no echo of the failed request in error replies.
        setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit {
        mnl_socket_close(socket)
        free(receiveBuffer)
    }

    /// An mnl socket of `bus` (NETLINK_NETFILTER, NETLINK_ROUTE), bound in `namespace`.
    static func open(_ bus: Int32, _ label: String, in namespace: NetworkNamespace?) throws(NetlinkError) -> OpaquePointer {
        // The pointer crosses threads once, before anyone else can see it.
        struct Handle: @unchecked Sendable { let pointer: OpaquePointer }
        return try run(in: namespace) { () throws(NetlinkError) -> Handle in
            guard let socket = mnl_socket_open(bus) else {
                throw NetlinkError(errno: Glibc.errno, operation: "opening a \(label) netlink socket")
            }
            guard mnl_socket_bind(socket, 0, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
                let error = Glibc.errno
                mnl_socket_close(socket)
                throw NetlinkError(errno: error, operation: "binding the \(label) netlink socket")
            }
            return Handle(pointer: socket)
        }.pointer
    }

    var fd: Int32 { mnl_socket_get_fd(socket) }

    /// SO_NETNS_COOKIE (Linux 5.14; glibc's headers lack it): asked of any socket, the cookie
    /// of the network namespace it lives in, unique among namespaces until reboot.
    static let netnsCookieOption: Int32 = 71

    /// The cookie of the namespace this socket was opened in; nil on kernels without it.
    func namespaceCookie() -> UInt64? {
        var cookie: UInt64 = 0
        var length = socklen_t(MemoryLayout<UInt64>.size)
        guard getsockopt(fd, SOL_SOCKET, Self.netnsCookieOption, &cookie, &length) == 0,
              length == socklen_t(MemoryLayout<UInt64>.size) else { return nil }
        return cookie
    }

    func takeSeq() -> UInt32 {
        nextSeq &+= 1
        return nextSeq
    }

    /// Raises a socket buffer to `size`: the FORCE variant needs CAP_NET_ADMIN in the initial
    /// namespace; otherwise the plain option, capped by net.core.[rw]mem_max.
    func raiseBuffer(send: Bool, to size: Int) {
        var value = Int32(clamping: size)
        let length = socklen_t(MemoryLayout<Int32>.size)
        if setsockopt(fd, SOL_SOCKET, send ? SO_SNDBUFFORCE : SO_RCVBUFFORCE, &value, length) != 0 {
            setsockopt(fd, SOL_SOCKET, send ? SO_SNDBUF : SO_RCVBUF, &value, length)
        }
    }

    func send(_ bytes: UnsafeRawBufferPointer, operation: String) throws(NetlinkError) {
        raiseBuffer(send: true, to: bytes.count + 65536)
        let sent = mnl_socket_sendto(socket, bytes.baseAddress, bytes.count)
        guard sent == bytes.count else {
            throw NetlinkError(errno: sent < 0 ? Glibc.errno : EMSGSIZE, operation: operation)
        }
    }

    /// Every reply already queued (nf_tables processes a batch inside `sendmsg`).
    func drainAcks(operation: String) throws(NetlinkError) -> [NetlinkAck] {
        var acks: [NetlinkAck] = []
        while true {
            let count = Uninterrupted.call { recv(fd, receiveBuffer, Self.receiveSize, Int32(MSG_DONTWAIT)) }
            if count < 0 {
                let error = Glibc.errno
                if error == EAGAIN || error == EWOULDBLOCK { return acks }
                throw NetlinkError(errno: error, operation: operation)
            }
            if count == 0 { return acks }
            forEachMessage(UnsafeRawBufferPointer(start: receiveBuffer, count: count)) { header, message in
                if header.nlmsg_type == UInt16(NLMSG_ERROR) { acks.append(Self.parseAck(header, message)) }
            }
        }
    }

    /// Sends a dump request and hands every reply message to `handle` until NLMSG_DONE.
    func dump(_ type: NftMessage, family: UInt8, operation: String, dump: Bool = true,
              request: (UnsafeMutablePointer<nlmsghdr>) -> Void = { _ in },
              handle: (UnsafePointer<nlmsghdr>) throws(NetlinkError) -> Void) throws(NetlinkError) {
        let seq = takeSeq()
        let buffer = MessageBuffer(capacity: MessageBuffer.headroom)
        buffer.append({ nftnl_nlmsg_build_hdr($0, type.kernelType, UInt16(family), UInt16(NLM_F_REQUEST | (dump ? NLM_F_DUMP : NLM_F_ACK)), seq) },
                      payload: request)
        try send(buffer.bytes, operation: operation)
        var done = false
        while !done {
            let count = Uninterrupted.call { recv(fd, receiveBuffer, Self.receiveSize, 0) }
            if count < 0 { throw NetlinkError(errno: Glibc.errno, operation: operation) }
            var failure: NetlinkError?
            forEachMessage(UnsafeRawBufferPointer(start: receiveBuffer, count: count)) { header, message in
                guard failure == nil, header.nlmsg_seq == seq else { return }
                // The kernel flags a dump whose rounds straddled a commit: its parts do not
                // belong to one ruleset.
                if Int32(header.nlmsg_flags) & NLM_F_DUMP_INTR != 0 {
                    failure = NetlinkError(errno: EINTR, operation: operation + " (the ruleset changed during the dump)")
                    return
                }
                switch Int32(header.nlmsg_type) {
                case NLMSG_DONE:
                    // A dump that fails after its first round carries the error in NLMSG_DONE.
                    if Int(header.nlmsg_len) >= MemoryLayout<nlmsghdr>.size + 4 {
                        let status = message.loadUnaligned(fromByteOffset: MemoryLayout<nlmsghdr>.size, as: Int32.self)
                        if status < 0 {
                            var error = NetlinkError(errno: -status, operation: operation)
                            error.isKernelReply = true
                            failure = error
                        }
                    }
                    done = true
                case NLMSG_ERROR:
                    let ack = Self.parseAck(header, message)
                    if ack.errno != 0 {
                        var error = NetlinkError(errno: ack.errno, operation: operation, kernelMessage: ack.message)
                        error.readRefused = ack.errno == EOPNOTSUPP
                        error.isKernelReply = true
                        failure = error
                    }
                    done = true
                default:
                    do throws(NetlinkError) {
                        try handle(message.assumingMemoryBound(to: nlmsghdr.self))
                    } catch { failure = error }
                }
            }
            if let failure { throw failure }
        }
    }

    private func forEachMessage(_ bytes: UnsafeRawBufferPointer, _ body: (nlmsghdr, UnsafeRawPointer) -> Void) {
        var offset = 0
        let headerSize = MemoryLayout<nlmsghdr>.size
        while offset + headerSize <= bytes.count {
            let message = bytes.baseAddress! + offset
            let header = message.loadUnaligned(as: nlmsghdr.self)
            let length = Int(header.nlmsg_len)
            guard length >= headerSize, offset + length <= bytes.count else { return }
            body(header, message)
            offset += (length + 3) & ~3
        }
    }

    /// `struct nlmsgerr` (error, then the request's header), then extended-ack attributes.
    private static func parseAck(_ header: nlmsghdr, _ message: UnsafeRawPointer) -> NetlinkAck {
        let headerSize = MemoryLayout<nlmsghdr>.size
        let error = message.loadUnaligned(fromByteOffset: headerSize, as: Int32.self)
        let request = message.loadUnaligned(fromByteOffset: headerSize + 4, as: nlmsghdr.self)
        var text: String?
        var badOffset: Int?
        if Int32(header.nlmsg_flags) & NLM_F_ACK_TLVS != 0 {
            var offset = headerSize + 4 + (Int32(header.nlmsg_flags) & NLM_F_CAPPED != 0
                ? headerSize : (Int(request.nlmsg_len) + 3) & ~3)
            while offset + 4 <= Int(header.nlmsg_len) {
                let length = Int(message.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
                let type = message.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self) & 0x3fff
                guard length >= 4, offset + length <= Int(header.nlmsg_len) else { break }
                if type == UInt16(NLMSGERR_ATTR_MSG.rawValue) {
                    let raw = UnsafeRawBufferPointer(start: message + offset + 4, count: length - 4)
                    text = String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                } else if type == UInt16(NLMSGERR_ATTR_OFFS.rawValue), length >= 8 {
                    badOffset = Int(message.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
                }
                offset += (length + 3) & ~3
            }
        }
        return NetlinkAck(seq: request.nlmsg_seq, errno: -error, message: text, offset: badOffset)
    }
}
