internal import CNetfilter
import Glibc
import SpoofGuard

/// An `AF_NETLINK`/`NETLINK_ROUTE` socket for the two dumps `audit` needs: every link
/// (RTM_GETLINK) and every route (RTM_GETROUTE). Only reads; the replies are decoded by
/// the pure `RouteMessage`.
final class RouteSocket {
    private let socket: OpaquePointer
    private var seq = UInt32(truncatingIfNeeded: time(nil))
    private static let receiveSize = 1 << 16

    init(namespace: NetworkNamespace?) throws(NetlinkError) {
        socket = try NetlinkSocket.open(NETLINK_ROUTE, "route", in: namespace)
    }

    deinit { mnl_socket_close(socket) }

    static let getLink: UInt16 = 18     // RTM_GETLINK
    static let getRoute: UInt16 = 26    // RTM_GETROUTE

    /// IFLA_EXT_MASK = RTEXT_FILTER_SKIP_STATS: the counters are a third of each message and unused.
    static let skipStatistics: [UInt8] = [8, 0, 29, 0, 8, 0, 0, 0]

    func links() throws -> [HostLink] {
        try dump(type: Self.getLink, fixedSize: 16, attributes: Self.skipStatistics, operation: "listing links")
            .map { try RouteMessage.link($0) }
    }

    func defaultRoutes() throws -> [DefaultRoute] {
        try dump(type: Self.getRoute, fixedSize: 12, operation: "listing routes").compactMap { try RouteMessage.defaultRoute($0) }
    }

    /// A dump request (header + a zeroed family header: every family) and its reply messages, whole.
    private func dump(type: UInt16, fixedSize: Int, attributes: [UInt8] = [], operation: String) throws(NetlinkError) -> [[UInt8]] {
        seq &+= 1
        let length = 16 + fixedSize + attributes.count
        var request = [UInt8](repeating: 0, count: 16 + fixedSize) + attributes
        request.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt32(length), toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: type, toByteOffset: 4, as: UInt16.self)
            raw.storeBytes(of: UInt16(NLM_F_REQUEST | NLM_F_DUMP), toByteOffset: 6, as: UInt16.self)
            raw.storeBytes(of: seq, toByteOffset: 8, as: UInt32.self)
        }
        let sent = request.withUnsafeBytes { mnl_socket_sendto(socket, $0.baseAddress, $0.count) }
        guard sent == length else { throw NetlinkError(errno: sent < 0 ? Glibc.errno : EMSGSIZE, operation: operation) }
        var messages: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: Self.receiveSize)
        while true {
            let count = buffer.withUnsafeMutableBytes { buffer in
                Uninterrupted.call { mnl_socket_recvfrom(socket, buffer.baseAddress, buffer.count) }
            }
            if count < 0 { throw NetlinkError(errno: Glibc.errno, operation: operation) }
            var offset = 0
            while offset + 16 <= count {
                let (messageLength, messageType, messageSeq) = buffer.withUnsafeBytes { raw in
                    (Int(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)),
                     raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self),
                     raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self))
                }
                guard messageLength >= 16, offset + messageLength <= count else {
                    throw NetlinkError(errno: EINVAL, operation: "\(operation): a reply message overruns its datagram")
                }
                if messageSeq == seq {
                    switch Int32(messageType) {
                    case NLMSG_DONE: return messages
                    case NLMSG_ERROR:
                        let error = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 16, as: Int32.self) }
                        var failure = NetlinkError(errno: -error, operation: operation)
                        failure.isKernelReply = true
                        throw failure
                    default: messages.append(Array(buffer[offset..<offset + messageLength]))
                    }
                }
                offset += (messageLength + 3) & ~3
            }
        }
    }
}
