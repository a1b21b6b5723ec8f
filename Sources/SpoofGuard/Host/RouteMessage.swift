/// rtnetlink replies decoded from their bytes: RTM_NEWLINK into a `HostLink`, RTM_NEWROUTE
/// into a `DefaultRoute`. Pure, so that tests can hold it against messages captured from a
/// kernel and against messages built for device kinds the test kernel does not have.
/// Layouts from linux/netlink.h, linux/rtnetlink.h and linux/if_link.h; host byte order.
public enum RouteMessage {
    public static let newLink: UInt16 = 16       // RTM_NEWLINK
    public static let delLink: UInt16 = 17       // RTM_DELLINK (link events: same layout)
    public static let newRoute: UInt16 = 24      // RTM_NEWROUTE

    static let headerSize = 16                    // struct nlmsghdr
    static let ifinfomsgSize = 16
    static let rtmsgSize = 12

    enum LinkAttribute {
        static let name: UInt16 = 3               // IFLA_IFNAME
        static let link: UInt16 = 5               // IFLA_LINK
        static let master: UInt16 = 10            // IFLA_MASTER
        static let operState: UInt16 = 16         // IFLA_OPERSTATE
        static let linkInfo: UInt16 = 18          // IFLA_LINKINFO
        static let linkNetnsid: UInt16 = 37       // IFLA_LINK_NETNSID
        static let infoKind: UInt16 = 1           // IFLA_INFO_KIND
        static let afSpec: UInt16 = 26            // IFLA_AF_SPEC, nested by address family
        static let inetConf: UInt16 = 1           // IFLA_INET_CONF: u32 per IPV4_DEVCONF_*, from 1
    }

    /// IPV4_DEVCONF_* (linux/ip.h); IFLA_INET_CONF holds entry N at index N - 1.
    enum IPv4DeviceConf {
        static let rpFilter = 8
        static let acceptLocal = 23
        static let routeLocalnet = 26
    }

    enum RouteAttribute {
        static let outputInterface: UInt16 = 4    // RTA_OIF
        static let multipath: UInt16 = 9          // RTA_MULTIPATH
        static let table: UInt16 = 15             // RTA_TABLE
    }

    /// The link an RTM_NEWLINK message describes.
    public static func link(_ message: [UInt8]) throws(RouteMessageError) -> HostLink {
        let removed = message.count >= headerSize && load(UInt16.self, message, 4) == delLink
        let body = try payload(message, type: removed ? delLink : newLink, fixed: ifinfomsgSize, what: removed ? "RTM_DELLINK" : "RTM_NEWLINK")
        let index = Int32(bitPattern: load(UInt32.self, message, headerSize + 4))
        var name: String?
        var kind: LinkKind?
        var lower: Int32?
        var master: Int32?
        var operState = OperState.unknown
        var otherNamespace = false
        var ipv4Settings: IPv4DeviceSettings?
        for attribute in try attributes(message, in: body) {
            switch attribute.type {
            case LinkAttribute.name: name = string(message, attribute.value)
            case LinkAttribute.link: lower = try int32(message, attribute, "IFLA_LINK")
            case LinkAttribute.master: master = try int32(message, attribute, "IFLA_MASTER")
            case LinkAttribute.operState where !attribute.value.isEmpty: operState = OperState(kernelValue: message[attribute.value.lowerBound])
            case LinkAttribute.linkNetnsid: otherNamespace = true
            case LinkAttribute.afSpec:
                for family in try attributes(message, in: attribute.value) where family.type == 2 {   // AF_INET
                    for conf in try attributes(message, in: family.value) where conf.type == LinkAttribute.inetConf {
                        ipv4Settings = try settings(message, conf.value)
                    }
                }
            case LinkAttribute.linkInfo:
                for info in try attributes(message, in: attribute.value) where info.type == LinkAttribute.infoKind {
                    kind = LinkKind(rawValue: string(message, info.value))
                }
            default: break
            }
        }
        guard let name, !name.isEmpty else { throw RouteMessageError(reason: "RTM_NEWLINK for ifindex \(index) has no IFLA_IFNAME") }
        // IFLA_LINK of a device whose lower device lives in another namespace is that
        // namespace's ifindex; and a device that is its own lower device has none.
        if otherNamespace || lower == index || lower == 0 { lower = nil }
        return HostLink(name: name, index: index, kind: kind, lowerIndex: lower, masterIndex: master == 0 ? nil : master,
                        operState: operState, ipv4Settings: ipv4Settings)
    }

    /// The entries of IFLA_INET_CONF that change the receive path.
    private static func settings(_ message: [UInt8], _ range: Range<Int>) throws(RouteMessageError) -> IPv4DeviceSettings {
        func entry(_ conf: Int) throws(RouteMessageError) -> Int {
            let offset = range.lowerBound + (conf - 1) * 4
            guard offset + 4 <= range.upperBound else {
                throw RouteMessageError(reason: "IFLA_INET_CONF of \(range.count) bytes has no entry \(conf)")
            }
            return Int(Int32(bitPattern: load(UInt32.self, message, offset)))
        }
        return IPv4DeviceSettings(routeLocalnet: try entry(IPv4DeviceConf.routeLocalnet), rpFilter: try entry(IPv4DeviceConf.rpFilter),
                                  acceptLocal: try entry(IPv4DeviceConf.acceptLocal))
    }

    /// The default route an RTM_NEWROUTE message describes, nil for any other route.
    public static func defaultRoute(_ message: [UInt8]) throws(RouteMessageError) -> DefaultRoute? {
        let body = try payload(message, type: newRoute, fixed: rtmsgSize, what: "RTM_NEWROUTE")
        let header = headerSize
        let family: AddressFamily
        switch message[header] {
        case 2: family = .ipv4      // AF_INET
        case 10: family = .ipv6     // AF_INET6
        default: return nil
        }
        let destinationLength = message[header + 1]
        let routeType = message[header + 7]
        // RTN_UNICAST only: a blackhole, unreachable or prohibit default sends nothing out.
        guard destinationLength == 0, routeType == 1 else { return nil }
        var table = UInt32(message[header + 4])
        var interfaces: [Int32] = []
        for attribute in try attributes(message, in: body) {
            switch attribute.type {
            case RouteAttribute.outputInterface: interfaces.append(try int32(message, attribute, "RTA_OIF"))
            case RouteAttribute.table: table = UInt32(bitPattern: try int32(message, attribute, "RTA_TABLE"))
            case RouteAttribute.multipath:
                // struct rtnexthop { u16 len; u8 flags; u8 hops; int ifindex; } then its attributes.
                var offset = attribute.value.lowerBound
                while offset + 8 <= attribute.value.upperBound {
                    let length = Int(load(UInt16.self, message, offset))
                    guard length >= 8 else { break }
                    interfaces.append(Int32(bitPattern: load(UInt32.self, message, offset + 4)))
                    offset += (length + 3) & ~3
                }
            default: break
            }
        }
        guard table != 255, !interfaces.isEmpty else { return nil }   // RT_TABLE_LOCAL
        return DefaultRoute(family: family, interfaceIndices: interfaces, table: table)
    }

    struct Attribute {
        var type: UInt16
        var value: Range<Int>
    }

    private static func payload(_ message: [UInt8], type: UInt16, fixed: Int, what: String) throws(RouteMessageError) -> Range<Int> {
        guard message.count >= headerSize + fixed else {
            throw RouteMessageError(reason: "\(what) of \(message.count) bytes is shorter than its headers")
        }
        let length = Int(load(UInt32.self, message, 0))
        guard length >= headerSize + fixed, length <= message.count else {
            throw RouteMessageError(reason: "\(what) claims \(length) bytes but \(message.count) arrived")
        }
        guard load(UInt16.self, message, 4) == type else {
            throw RouteMessageError(reason: "expected \(what), got message type \(load(UInt16.self, message, 4))")
        }
        return (headerSize + ((fixed + 3) & ~3))..<length
    }

    /// The attributes in `range`; NLA_F_NESTED and NLA_F_NET_BYTEORDER are masked off the type.
    static func attributes(_ message: [UInt8], in range: Range<Int>) throws(RouteMessageError) -> [Attribute] {
        var result: [Attribute] = []
        var offset = range.lowerBound
        while offset + 4 <= range.upperBound {
            let length = Int(load(UInt16.self, message, offset))
            guard length >= 4, offset + length <= range.upperBound else {
                throw RouteMessageError(reason: "attribute at byte \(offset) has length \(length), past the end of its message")
            }
            result.append(Attribute(type: load(UInt16.self, message, offset + 2) & 0x3fff, value: (offset + 4)..<(offset + length)))
            offset += (length + 3) & ~3
        }
        return result
    }

    private static func int32(_ message: [UInt8], _ attribute: Attribute, _ name: String) throws(RouteMessageError) -> Int32 {
        guard attribute.value.count == 4 else { throw RouteMessageError(reason: "\(name) has \(attribute.value.count) bytes, not 4") }
        return Int32(bitPattern: load(UInt32.self, message, attribute.value.lowerBound))
    }

    private static func string(_ message: [UInt8], _ range: Range<Int>) -> String {
        String(decoding: message[range].prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Netlink integers are in host byte order.
    static func load<T: FixedWidthInteger>(_: T.Type, _ message: [UInt8], _ offset: Int) -> T {
        message.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }
}

public struct RouteMessageError: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { "malformed rtnetlink message: \(reason)" }
}
