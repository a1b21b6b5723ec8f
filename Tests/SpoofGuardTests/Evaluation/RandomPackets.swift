@testable import SpoofGuard

/// Seeded random packets that hit the interesting edges often: guarded and unguarded
/// addresses, the kernel's special ranges, and interfaces of every class.
enum RandomPackets {
    static let interfaces = ["lo", "eth0", "eth1", "wan0", "wan", "wan-backup", "ppp0", "ppp1", "br-lan", "sgunmatched0"]

    static let ipv4Pools: [(prefix: UInt32, length: Int)] = [
        (0x7f00_0000, 8),      // 127/8
        (0x0000_0000, 8),      // 0/8
        (0xe000_0000, 4),      // multicast
        (0xffff_ffff, 32),     // limited broadcast
        (0x0a00_0000, 8),      // 10/8
        (0xc000_0200, 24),     // 192.0.2/24
        (0x0000_0000, 0),      // anything
    ]

    static let ipv6Pools: [(prefix: UInt128, length: Int)] = [
        (1, 128),                                            // ::1
        (0x0000_0000_0000_0000_0000_ffff_7f00_0000, 104),     // ::ffff:127.0.0.0/104
        (0x0000_0000_0000_0000_0000_0000_7f00_0000, 104),     // ::127.0.0.0/104
        (0x0064_ff9b_0000_0000_0000_0000_7f00_0000, 104),     // 64:ff9b::7f00:0/104
        (0x2002_7f00 << 96, 24),                              // 2002:7f00::/24
        (0x2001_0000_7f00 << 80, 40),                         // 2001:0:7f00::/40
        (0xff << 120, 8),                                     // multicast
        (0x2001_0db8 << 96, 32),                              // documentation
        (0, 0),                                               // anything
    ]

    static func ipv4<G: RandomNumberGenerator>(using generator: inout G) -> IPv4Address {
        let pool = ipv4Pools.randomElement(using: &generator)!
        let host: UInt32 = pool.length == 32 ? 0 : UInt32.random(in: 0...UInt32.max, using: &generator) & ~Prefix<IPv4Address>.mask(pool.length)
        return IPv4Address(bits: pool.prefix | host)
    }

    static func ipv6<G: RandomNumberGenerator>(using generator: inout G) -> IPv6Address {
        let pool = ipv6Pools.randomElement(using: &generator)!
        let random = UInt128(UInt64.random(in: 0...UInt64.max, using: &generator)) << 64 | UInt128(UInt64.random(in: 0...UInt64.max, using: &generator))
        return IPv6Address(bits: pool.prefix | (random & ~Prefix<IPv6Address>.mask(pool.length)))
    }

    static func packet<G: RandomNumberGenerator>(using generator: inout G, interfaces: [String] = interfaces,
                                                 bridgePorts: Bool = false) -> Packet {
        let name = interfaces.randomElement(using: &generator)!
        let kind: InputInterface.Kind? = bridgePorts && name != "lo" && Bool.random(using: &generator) ? .bridgePort : nil
        let transport: TransportProtocol = Bool.random(using: &generator) ? .tcp : .udp
        let localnet = Int.random(in: 0..<4, using: &generator) == 0
        if Bool.random(using: &generator) {
            return Packet(inputInterface: InputInterface(name: name, kind: kind), source: .v4(ipv4(using: &generator)),
                          destination: .v4(ipv4(using: &generator)), transport: transport, routeLocalnet: localnet)
        }
        return Packet(inputInterface: InputInterface(name: name, kind: kind), source: .v6(ipv6(using: &generator)),
                      destination: .v6(ipv6(using: &generator)), transport: transport, routeLocalnet: localnet)
    }
}
