@testable import SpoofGuard

/// Snapshots written by hand, and rtnetlink messages built by the documented layout
/// (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h) for device kinds the test kernel lacks.
enum HostFixtures {
    static func policy(_ json: String) throws -> Policy { try Policy.decode(Array(json.utf8), source: "test.json") }

    /// Examples/router.json.
    static let routerJSON = """
        {"version": 1, "table": "spoofguard", "external": ["eth0", "wan*", "ppp0"], "internal": ["lo", "br-lan"],
         "guard": {"source": ["loopback", "loopback-mapped"], "destination": ["loopback"]},
         "action": {"verdict": "drop", "counter": true, "log": {"prefix": "spoofguard: ", "rate": "10/minute"}},
         "hooks": ["prerouting"]}
        """

    static func router() throws -> Policy { try policy(routerJSON) }

    /// A host whose kernel holds exactly what `policy` compiles to, with these links.
    static func snapshot(_ policy: Policy, links: [HostLink], loaded: Ruleset? = nil, routes: [DefaultRoute] = [],
                         foreign: [HostChain] = []) -> HostSnapshot {
        let ruleset = loaded ?? Compiler.compile(policy)
        return HostSnapshot(links: links, defaultRoutes: routes, chains: baseChains(of: ruleset) + foreign,
                            guardTable: policy.table, guardRuleset: ruleset)
    }

    /// The base chains of a ruleset as a chain dump shows them (no foreign rule effects).
    static func baseChains(of ruleset: Ruleset) -> [HostChain] {
        ruleset.tables.flatMap { table in
            table.chains.compactMap { chain in
                chain.base.map { base in
                    HostChain(family: table.family, table: table.name, name: chain.name, hook: base.hook, priority: base.priority,
                              type: base.type.rawValue, policy: base.policy, devices: base.devices,
                              rules: chain.rules.map { HostRule(handle: $0.handle ?? 0, effects: []) })
                }
            }
        }
    }

    static let lo = HostLink(name: "lo", index: 1)
    static let eth0 = HostLink(name: "eth0", index: 2, kind: .veth)

    // MARK: - rtnetlink messages by layout

    static func attribute(_ type: UInt16, _ value: [UInt8]) -> [UInt8] {
        var bytes = le(UInt16(4 + value.count)) + le(type) + value
        while bytes.count % 4 != 0 { bytes.append(0) }
        return bytes
    }

    static func string(_ text: String) -> [UInt8] { Array(text.utf8) + [0] }

    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    static func message(type: UInt16, fixed: [UInt8], attributes: [UInt8]) -> [UInt8] {
        let body = fixed + attributes
        return le(UInt32(16 + body.count)) + le(type) + le(UInt16(2)) /* NLM_F_MULTI */ + le(UInt32(1)) + le(UInt32(0)) + body
    }

    /// RTM_NEWLINK: ifinfomsg, IFLA_IFNAME, IFLA_LINK, IFLA_MASTER, IFLA_OPERSTATE, IFLA_LINKINFO { IFLA_INFO_KIND }.
    static func newLink(index: Int32, name: String, kind: String?, lower: Int32? = nil, master: Int32? = nil,
                        operState: UInt8 = 6) -> [UInt8] {
        let ifinfomsg: [UInt8] = [0, 0] + le(UInt16(1)) + le(index) + le(UInt32(0x1043)) + le(UInt32(0))
        var attributes = attribute(3, string(name))
        if let lower { attributes += attribute(5, le(lower)) }
        if let master { attributes += attribute(10, le(master)) }
        attributes += attribute(16, [operState])
        if let kind { attributes += attribute(18 | 0x8000, attribute(1, string(kind))) }
        return message(type: 16, fixed: ifinfomsg, attributes: attributes)
    }

    /// RTM_NEWROUTE for a default route (dst_len 0) in table main, via RTA_OIF or RTA_MULTIPATH.
    static func newDefaultRoute(family: UInt8, interfaces: [Int32], type: UInt8 = 1, table: UInt8 = 254) -> [UInt8] {
        let rtmsg: [UInt8] = [family, 0, 0, 0, table, 3 /* boot */, 0 /* universe */, type] + le(UInt32(0))
        var attributes = attribute(15, le(UInt32(table)))
        if interfaces.count == 1 {
            attributes += attribute(4, le(interfaces[0]))
        } else {
            let hops: [UInt8] = interfaces.flatMap { index -> [UInt8] in le(UInt16(8)) + [0, 0] + le(index) }
            attributes += attribute(9, hops)
        }
        return message(type: 24, fixed: rtmsg, attributes: attributes)
    }
}
