import CSpoofGuardLab
import Glibc
import SpoofGuard
import SystemPackage

/// A throwaway pair of network namespaces in which real packets meet a real kernel:
/// "router" holds veth devices named after the policy's interfaces (where spoofguard's tables
/// are loaded), "outside" holds their peers, from which crafted frames are injected through
/// AF_PACKET. Nothing touches the caller's own namespace. `close()` (or deinit, or SIGINT /
/// SIGTERM) deletes both namespaces, and with them every device.
public final class KernelLab: @unchecked Sendable {
    /// The topology as built: `vlan` is nil when the kernel has no 802.1Q support.
    public private(set) var topology: LabTopology
    public let router: LabNamespace
    public let outside: LabNamespace
    /// Peer device name → AF_PACKET socket in the outside namespace.
    private var packetSockets: [String: Int32] = [:]
    private var counterFiles: CounterFiles?
    private var listener: Int32 = -1
    private var closed = false
    private var routeLocalnet: [String: Bool] = [:]

    /// UDP port every generated datagram goes to; a listener on it keeps the router silent.
    public static let discardPort: UInt16 = 9

    public init(topology: LabTopology) throws(LabError) {
        self.topology = topology
        LabNamespace.sweepStale()
        router = try LabNamespace(role: "router")
        do {
            outside = try LabNamespace(role: "outside")
        } catch {
            router.delete()
            throw error
        }
        do {
            try build()
        } catch {
            close()
            throw error
        }
    }

    public convenience init(policy: Policy) throws(LabError) {
        try self.init(topology: LabTopology(policy: policy))
    }

    deinit { close() }

    /// Deletes both namespaces. Idempotent.
    public func close() {
        guard !closed else { return }
        closed = true
        for fd in packetSockets.values { Glibc.close(fd) }
        packetSockets = [:]
        if listener >= 0 { Glibc.close(listener) }
        counterFiles = nil
        router.delete()
        outside.delete()
    }

    // MARK: Building

    private func build() throws(LabError) {
        try rethrowingLab {
            try router.run {
                for setting in LabSysctls.router { try Self.writeSysctl(setting.key, setting.value) }
                for setting in LabSysctls.routerIfPresent where access("/proc/sys/" + setting.key, F_OK) == 0 {
                    try Self.writeSysctl(setting.key, setting.value)
                }
            }
            try outside.run {
                for setting in LabSysctls.outside { try Self.writeSysctl(setting.key, setting.value) }
            }
        }
        try Subprocess.run(["ip", "-n", router.name, "-batch", "-"], input: creationCommands().joined(separator: "\n") + "\n")
        try silenceBridge()
        try Subprocess.run(["ip", "-n", router.name, "-batch", "-"], input: configurationCommands().joined(separator: "\n") + "\n")
        try raisePeers()
        try addVLAN()

        try rethrowingLab {
            let peers = topology.links.map(\.peer)
            packetSockets = try outside.run {
                var sockets: [String: Int32] = [:]
                for peer in peers {
                    let index = if_nametoindex(peer)
                    guard index > 0 else { throw LabError.system(call: "if_nametoindex", errno: Errno(rawValue: errno), context: peer) }
                    sockets[peer] = try LabError.check(sg_lab_packet_socket(Int32(index)), "AF_PACKET socket", peer)
                }
                return sockets
            }
            (counterFiles, listener) = try router.run {
                (try CounterFiles(), try LabError.check(sg_lab_udp_listener(Self.discardPort), "UDP listener", "port 9"))
            }
        }
    }

    /// The `ip -batch` lines that create the router side's devices (run with `-n router`).
    func creationCommands() -> [String] {
        let uplink = topology.uplink
        var lines = ["link set lo up"]
        for link in topology.links {
            lines.append("link add \(link.name) address \(link.routerMAC) type veth peer name \(link.peer) address \(link.peerMAC) netns \(outside.name)")
        }
        // The uplink's peer stays down in the outside namespace: what is forwarded there vanishes.
        lines.append("link add \(uplink) type veth peer name \(uplink)peer netns \(outside.name)")
        if let bridge = topology.bridge {
            lines.append("link add \(bridge) type bridge stp_state 0")
            for link in topology.links where link.isBridgePort { lines.append("link set \(link.name) master \(bridge)") }
        }
        return lines
    }

    /// The lines that bring the router side up, address it and route it.
    func configurationCommands() -> [String] {
        let uplink = topology.uplink
        var lines: [String] = []
        if let bridge = topology.bridge { lines.append("link set \(bridge) up") }
        for link in topology.links { lines.append("link set \(link.name) up") }
        lines.append("link set \(uplink) up")
        if let first = topology.links.first(where: { !$0.isBridgePort }) {
            lines.append("address add \(LabTopology.localIPv4)/\(LabTopology.localIPv4Prefix) dev \(first.name)")
            lines.append("address add \(LabTopology.localIPv6)/\(LabTopology.localIPv6Prefix) dev \(first.name) nodad")
        }
        // Default routes through a gateway with a permanent neighbour entry: no ARP or
        // neighbour discovery for forwarded packets.
        lines += ["address add 198.18.0.1/24 dev \(uplink)", "address add 2001:db8:ffff::1/64 dev \(uplink) nodad",
                  "neighbour add 198.18.0.2 lladdr \(LabTopology.unknownMAC) dev \(uplink) nud permanent",
                  "neighbour add 2001:db8:ffff::2 lladdr \(LabTopology.unknownMAC) dev \(uplink) nud permanent",
                  "route add default via 198.18.0.2 dev \(uplink)",
                  "route add ::/0 via 2001:db8:ffff::2 dev \(uplink)"]
        return lines
    }

    /// The bridge and its ports carry frames only: with IPv6 on, the bridge would send MLD
    /// reports out of both ports, which the lab would count as bridged frames.
    private func silenceBridge() throws(LabError) {
        guard let bridge = topology.bridge else { return }
        let devices = [bridge] + topology.links.filter(\.isBridgePort).map(\.name)
        try rethrowingLab {
            try router.run {
                for device in devices { try Self.writeSysctl("net/ipv6/conf/\(device)/disable_ipv6", "1") }
            }
        }
    }

    /// Adds the VLAN device; a kernel without 802.1Q support (no `8021q` module) gets none,
    /// and the topology says so.
    private func addVLAN() throws(LabError) {
        guard let vlan = topology.vlan else { return }
        do {
            try Subprocess.run(["ip", "-n", router.name, "-batch", "-"], input: """
                link add link \(vlan.parent) name \(vlan.name) type vlan id \(vlan.id)
                link set \(vlan.name) up

                """)
        } catch let error where "\(error)".contains("Unknown device type") {
            topology.vlan = nil
        }
    }

    /// Brings the peers up (done after creation, from the outside namespace).
    private func raisePeers() throws(LabError) {
        try Subprocess.run(["ip", "-n", outside.name, "-batch", "-"],
                           input: topology.links.map { "link set \($0.peer) up" }.joined(separator: "\n") + "\n")
    }

    // MARK: Driving

    /// Sets `net.ipv4.conf.<device>.route_localnet` in the router namespace (cached: written only on change).
    public func setRouteLocalnet(_ enabled: Bool, device: String) throws(LabError) {
        guard routeLocalnet[device, default: false] != enabled else { return }
        try rethrowingLab {
            try router.run { try Self.writeSysctl("net/ipv4/conf/\(device)/route_localnet", enabled ? "1" : "0") }
        }
        routeLocalnet[device] = enabled
    }

    /// Sends each packet so that it arrives on its input interface: a crafted frame from the
    /// peer of a veth (tagged for the VLAN device), or, for `lo`, a UDP datagram sent by a
    /// socket inside the router namespace (locally generated traffic is what `lo` carries).
    public func send(_ packets: [Packet]) throws(LabError) {
        try send(packets.map { Injection($0) })
    }

    /// As `send(_:)`, with an 802.1Q tag on the frames that ask for one (bridged frames; the
    /// VLAN device's frames are always tagged with its id).
    public func send(_ injections: [Injection]) throws(LabError) {
        var local: [Packet] = []
        for injection in injections {
            let packet = injection.packet
            if packet.inputInterface.name == "lo" {
                local.append(packet)
                continue
            }
            guard let route = topology.route(for: packet.inputInterface.name),
                  let fd = packetSockets[route.link.peer] else {
                throw .unexpected("the lab has no interface \"\(packet.inputInterface.name)\" to inject \(packet.summary) on")
            }
            let destination = route.link.isBridgePort ? LabTopology.unknownMAC : route.link.routerMAC
            let frame = FrameBuilder.ethernetFrame(packet, source: route.link.peerMAC, destination: destination,
                                                   vlanID: route.vlanID ?? injection.vlanID)
            let sent = frame.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
            guard sent == frame.count else {
                throw .system(call: "send", errno: sent < 0 ? Errno(rawValue: errno) : .messageTooLong, context: "frame for \(packet.summary)")
            }
        }
        guard !local.isEmpty else { return }
        try rethrowingLab {
            try router.run {
                for packet in local { try Self.sendLocally(packet) }
            }
        }
    }

    private static func sendLocally(_ packet: Packet) throws {
        let payloadLength = max(0, packet.length - (packet.family == .ipv4 ? 20 : 40) - 8)
        let payload = [UInt8](repeating: 0x5A, count: payloadLength)
        let (family, source, destination): (Int32, [UInt8], [UInt8]) = switch (packet.source, packet.destination) {
        case let (.v4(s), .v4(d)): (sg_lab_af_inet(), s.bytes, d.bytes)
        case let (.v6(s), .v6(d)): (sg_lab_af_inet6(), s.bytes, d.bytes)
        default: preconditionFailure("source and destination differ in family")
        }
        _ = try LabError.check(sg_lab_send_udp(family, source, packet.sourcePort ?? FrameBuilder.defaultSourcePort,
                                               destination, packet.destinationPort ?? discardPort,
                                               payload, payload.count),
                               "UDP send on lo", packet.summary)
    }

    /// Reads and discards every datagram waiting on the discard-port listener; returns how many.
    @discardableResult
    public func drainListener() -> Int {
        var buffer = [UInt8](repeating: 0, count: 2048)
        var count = 0
        while buffer.withUnsafeMutableBytes({ recv(listener, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }) >= 0 {
            count += 1
        }
        return count
    }

    /// The router namespace's counters now.
    public func counters() throws(LabError) -> KernelCounters {
        guard let counterFiles else { throw .unexpected("the lab is closed") }
        return try counterFiles.read()
    }

    // MARK: Helpers

    static func writeSysctl(_ key: String, _ value: String) throws {
        let path = "/proc/sys/" + key
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LabError.system(call: "open", errno: Errno(rawValue: errno), context: path) }
        defer { Glibc.close(fd) }
        let written = value.utf8CString.withUnsafeBytes { write(fd, $0.baseAddress, $0.count - 1) }
        guard written == value.utf8.count else { throw LabError.system(call: "write", errno: Errno(rawValue: errno), context: path) }
    }
}

/// A packet and how its frame is tagged.
public struct Injection: Hashable, Sendable {
    public var packet: Packet
    /// An 802.1Q tag for a frame to a bridge port (ignored for `lo`; the VLAN device adds its own).
    public var vlanID: UInt16?

    public init(_ packet: Packet, vlanID: UInt16? = nil) {
        self.packet = packet
        self.vlanID = vlanID
    }
}

/// Runs `body`, turning any error into a `LabError` (closures run on namespace threads throw untyped).
func rethrowingLab<T>(_ body: () throws -> T) throws(LabError) -> T {
    do { return try body() } catch let error as LabError { throw error } catch {
        throw .unexpected("\(error)")
    }
}

extension Packet {
    /// One line naming the packet, for errors and disagreement reports.
    public var summary: String {
        var text = "\(transport.map { "\($0)" } ?? "ip") \(source) -> \(destination) on \(inputInterface)"
        if inputInterface.kind == .bridgePort { text += " (bridge port)" }
        if encapsulation != .untagged { text += " in \(encapsulation)" }
        if routeLocalnet { text += " route_localnet=1" }
        return text
    }
}

extension KernelLab {
    /// Writes a sysctl in the router namespace (`key` relative to /proc/sys, e.g. `net/ipv4/conf/eth0/accept_local`).
    public func setSysctl(_ key: String, _ value: String) throws(LabError) {
        try rethrowingLab { try router.run { try Self.writeSysctl(key, value) } }
    }

    /// Counters once the kernel has finished with what was sent: a frame sent through AF_PACKET
    /// is normally processed before `send` returns, but softirq work may be deferred; so read until
    /// `isComplete` holds or two reads 1 ms apart agree, at most `attempts` times.
    public func settledCounters(attempts: Int = 200, isComplete: (KernelCounters) -> Bool = { _ in false }) throws(LabError) -> KernelCounters {
        var previous = try counters()
        for _ in 0..<attempts {
            if isComplete(previous) { return previous }
            usleep(1000)
            let current = try counters()
            if current.snmp == previous.snmp && current.received == previous.received
                && current.transmitted == previous.transmitted { return current }
            previous = current
        }
        return previous
    }
}
