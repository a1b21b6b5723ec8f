import Testing
@testable import SpoofGuard

@Suite struct RouteMessageTests {
    typealias F = HostFixtures
    typealias C = CapturedLinkMessages

    @Test func capturedMessagesDecodeToTheirLinks() throws {
        let eth0 = try RouteMessage.link(C.eth0)
        #expect(eth0.name == "eth0" && eth0.index == 3 && eth0.kind == .veth && eth0.masterIndex == nil)
        // A veth names its peer in IFLA_LINK (here in the same namespace).
        #expect(eth0.lowerIndex == 2)
        let eth1 = try RouteMessage.link(C.eth1)
        #expect(eth1.kind == .veth && eth1.masterIndex == 5)
        let macvlan = try RouteMessage.link(C.mv0)
        #expect(macvlan.kind == .macvlan && macvlan.lowerIndex == 3 && macvlan.kind?.isStacked == true)
        let bridge = try RouteMessage.link(C.br0)
        #expect(bridge.kind == .bridge && bridge.index == 5 && bridge.lowerIndex == nil)
        let vxlan = try RouteMessage.link(C.vx0)
        #expect(vxlan.kind == .vxlan && vxlan.kind?.isTunnel == true && vxlan.operState == .down)
        // IFLA_AF_SPEC / AF_INET / IFLA_INET_CONF: a fresh namespace's defaults.
        #expect(eth0.ipv4Settings == IPv4DeviceSettings(routeLocalnet: 0, rpFilter: 0, acceptLocal: 0))
    }

    @Test func ipv4SettingsComeFromTheirDevconfIndices() throws {
        var conf = [UInt8](repeating: 0, count: 4 * 33)
        for (entry, value) in [(26, UInt32(1)), (8, 2), (23, 1), (1, 7)] {
            conf.replaceSubrange((entry - 1) * 4..<entry * 4, with: F.le(value))
        }
        let spec = F.attribute(26 | 0x8000, F.attribute(2 | 0x8000, F.attribute(1, conf)))
        var message = F.newLink(index: 4, name: "eth0", kind: nil)
        message += spec
        message.replaceSubrange(0..<4, with: F.le(UInt32(message.count)))
        #expect(try RouteMessage.link(message).ipv4Settings == IPv4DeviceSettings(routeLocalnet: 1, rpFilter: 2, acceptLocal: 1))
        var sysctls = ReceiveSysctls(routeLocalnet: ["all": 0])
        sysctls.add([try RouteMessage.link(message)])
        #expect(sysctls.routeLocalnetEnabled(on: "eth0") && sysctls.rpFilter["eth0"] == 2)
    }

    /// 8021q, gre, ipip, sit and wireguard are not in the test kernel: their messages are
    /// built by the documented attribute layout.
    @Test(arguments: [("vlan", true, false), ("gre", false, true), ("ipip", false, true), ("sit", false, true),
                      ("wireguard", false, true), ("ipvlan", true, false), ("ip6tnl", false, true), ("geneve", false, true)])
    func builtMessagesOfMissingKindsDecode(kind: String, stacked: Bool, tunnel: Bool) throws {
        let link = try RouteMessage.link(F.newLink(index: 7, name: "x\(kind)", kind: kind, lower: 2, master: 9, operState: 2))
        #expect(link == HostLink(name: "x\(kind)", index: 7, kind: LinkKind(rawValue: kind), lowerIndex: 2, masterIndex: 9, operState: .down))
        #expect(link.kind?.isStacked == stacked && link.kind?.isTunnel == tunnel)
    }

    @Test func lowerDeviceInAnotherNamespaceIsDropped() throws {
        var message = F.newLink(index: 4, name: "eth0", kind: "veth", lower: 12)
        let extra = F.attribute(37, F.le(Int32(0)))   // IFLA_LINK_NETNSID
        message += extra
        message.replaceSubrange(0..<4, with: F.le(UInt32(message.count)))
        #expect(try RouteMessage.link(message).lowerIndex == nil)
    }

    @Test func defaultRoutesAndOnlyThemDecode() throws {
        #expect(try RouteMessage.defaultRoute(F.newDefaultRoute(family: 2, interfaces: [3])) == DefaultRoute(family: .ipv4, interfaceIndices: [3]))
        #expect(try RouteMessage.defaultRoute(F.newDefaultRoute(family: 10, interfaces: [3, 5]))
                == DefaultRoute(family: .ipv6, interfaceIndices: [3, 5]))
        // A blackhole default (RTN_BLACKHOLE) sends nothing out; the local table holds no default.
        #expect(try RouteMessage.defaultRoute(F.newDefaultRoute(family: 2, interfaces: [3], type: 6)) == nil)
        #expect(try RouteMessage.defaultRoute(F.newDefaultRoute(family: 2, interfaces: [3], table: 255)) == nil)
    }

    @Test func malformedMessagesAreErrorsNotGuesses() throws {
        let message = F.newLink(index: 7, name: "eth0", kind: "vlan")
        #expect(throws: RouteMessageError.self) { try RouteMessage.link(Array(message.prefix(20))) }
        var broken = message
        broken[32] = 0xff   // IFLA_IFNAME's length now runs past the end
        #expect(throws: RouteMessageError.self) { try RouteMessage.link(broken) }
        #expect(throws: RouteMessageError.self) { try RouteMessage.link(F.newDefaultRoute(family: 2, interfaces: [1])) }
        let nameless = F.message(type: 16, fixed: [UInt8](repeating: 0, count: 16), attributes: [])
        #expect(throws: RouteMessageError.self) { try RouteMessage.link(nameless) }
    }
}
