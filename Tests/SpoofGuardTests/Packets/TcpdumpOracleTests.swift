import Foundation
import Testing
@testable import SpoofGuard
import SpoofGuardTestSupport

/// tcpdump (libpcap) is the oracle: files written by our test writer must be readable by it
/// with the same addresses, and captures it writes must read back as it prints them.
@Suite("tcpdump as an oracle")
struct TcpdumpOracleTests {
    @Test("tcpdump reads our pcap files and prints the addresses we decode",
          .tool(ExternalTools.hasTcpdump, "tcpdump is not installed"),
          arguments: [(false, false), (true, true)])
    func writtenFiles(bigEndian: Bool, nanoseconds: Bool) throws {
        var pcap = PcapWriter(linkType: 1, bigEndian: bigEndian, nanoseconds: nanoseconds)
        pcap.add(Frames.ethernetIP(Frames.ipv4(src: "127.0.0.1", dst: "192.0.2.1", proto: 17, sport: 40000, dport: 53)))
        pcap.add(Frames.arp())
        pcap.add(Frames.ethernetIP(Frames.ipv4(src: "198.51.100.7", dst: "127.0.0.53", proto: 6, sport: 443, dport: 5555)))
        pcap.add(Frames.ethernetIP(Frames.ipv6(src: "::ffff:127.0.0.1", dst: "2001:db8::1", proto: 17, sport: 9, dport: 10)))
        pcap.add(Frames.ethernetIP(Frames.ipv6(src: "::1", dst: "fe80::1", proto: 6, sport: 1, dport: 2, payload: 0)))
        pcap.add(Frames.ethernetIP(Frames.ipv4(src: "10.1.2.3", dst: "127.255.255.254", proto: 1)))
        pcap.add(Frames.ethernetIP(Frames.ipv6(src: "64:ff9b::7f00:1", dst: "2002:7f00:1::1", proto: 58)))
        pcap.add(Frames.ethernetIP(Frames.ipv4(src: "0.0.0.0", dst: "255.255.255.255", proto: 17, sport: 68, dport: 67), tags: [0x8100]))
        let directory = try ExternalTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("written.pcap")
        try Data(pcap.bytes).write(to: file)

        let tcpdump = try ExternalTools.run("tcpdump", ["-nn", "-r", file.path])
        #expect(tcpdump.status == 0, "\(tcpdump.error)")
        let ours = try PacketSource.read(contentsOf: file.path, overrideInterface: "eth0")
        #expect(ours.packets.count == 7)
        #expect(ours.notIPCount == 1)
        #expect(ExternalTools.tcpdumpAddresses(tcpdump.output) == ours.packets.map(\.tcpdumpShape))
    }

    @Test("tcpdump agrees with our layout of cooked, loopback and raw link headers",
          .tool(ExternalTools.hasTcpdump, "tcpdump is not installed"),
          arguments: [UInt32(113), 276, 0, 108, 101, 228, 229])
    func linkHeaders(linkType: UInt32) throws {
        let v4 = [Frames.ipv4(src: "127.0.0.1", dst: "192.0.2.1", proto: 17, sport: 1, dport: 53),
                  Frames.ipv4(src: "203.0.113.5", dst: "127.0.0.8", proto: 6, sport: 2, dport: 80)]
        let v6 = [Frames.ipv6(src: "::1", dst: "2001:db8::1", proto: 17, sport: 3, dport: 53),
                  Frames.ipv6(src: "::ffff:127.0.0.1", dst: "2001:db8::2", proto: 6, sport: 4, dport: 443)]
        var pcap = PcapWriter(linkType: linkType)
        for packet in (linkType == 229 ? [] : v4) + (linkType == 228 ? [] : v6) {
            let isV6 = packet[0] >> 4 == 6
            switch linkType {
            case 113: pcap.add(Frames.sll(packet, protocolType: isV6 ? 0x86DD : 0x0800))
            case 276: pcap.add(Frames.sll2(packet, protocolType: isV6 ? 0x86DD : 0x0800))
            case 0: pcap.add(Frames.null(packet, family: isV6 ? 30 : 2, bigEndian: false))
            case 108: pcap.add(Frames.null(packet, family: isV6 ? 24 : 2, bigEndian: true))
            default: pcap.add(packet)
            }
        }
        let directory = try ExternalTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("link\(linkType).pcap")
        try Data(pcap.bytes).write(to: file)
        let tcpdump = try ExternalTools.run("tcpdump", ["-nn", "-r", file.path])
        #expect(tcpdump.status == 0, "\(tcpdump.error)")
        let ours = try PacketSource.read(contentsOf: file.path, overrideInterface: "eth0")
        #expect(ours.packets.count == (linkType == 228 || linkType == 229 ? 2 : 4))
        #expect(ExternalTools.tcpdumpAddresses(tcpdump.output) == ours.packets.map(\.tcpdumpShape))
    }

    @Test("tcpdump reads our pcapng files (both byte orders, two sections) with the addresses we decode",
          .tool(ExternalTools.hasTcpdump, "tcpdump is not installed"),
          arguments: [false, true])
    func writtenPcapng(bigEndian: Bool) throws {
        var capture = PcapngWriter(bigEndian: bigEndian)
        capture.interface(linkType: 1, name: "wan0")
        capture.interface(linkType: 1, name: "lo")
        capture.enhancedPacket(interface: 0, Frames.ethernetIP(Frames.ipv4(src: "127.0.0.1", dst: "192.0.2.1", proto: 17, sport: 1, dport: 53)))
        capture.enhancedPacket(interface: 1, Frames.ethernetIP(Frames.ipv6(src: "::1", dst: "::1", proto: 6, sport: 2, dport: 22, payload: 0)))
        capture.block(type: 0x0000_0BAD, body: [0, 0, 0, 0])
        capture.simplePacket(Frames.ethernetIP(Frames.ipv6(src: "::ffff:127.0.0.2", dst: "2001:db8::1", proto: 58)))
        // libpcap refuses "sections with different byte orders", so
        // the oracle sees one order per file; PcapngReaderTests covers mixed orders.
        capture.section(bigEndian: bigEndian)
        capture.interface(linkType: 1, name: "eth1")
        capture.enhancedPacket(interface: 0, Frames.ethernetIP(Frames.ipv4(src: "203.0.113.9", dst: "127.1.2.3", proto: 6, sport: 3, dport: 4)))
        let directory = try ExternalTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("written.pcapng")
        try Data(capture.bytes).write(to: file)

        let tcpdump = try ExternalTools.run("tcpdump", ["-nn", "-r", file.path])
        #expect(tcpdump.status == 0, "\(tcpdump.error)")
        let ours = try PacketSource.read(contentsOf: file.path)
        #expect(ours.packets.map(\.inputInterface.name) == ["wan0", "lo", "wan0", "eth1"])
        #expect(ExternalTools.tcpdumpAddresses(tcpdump.output) == ours.packets.map(\.tcpdumpShape))
    }

    @Test("captures tcpdump writes in a private namespace (lo: Ethernet; any: SLL2, nanoseconds)",
          .tool(ExternalTools.canCapture, "needs root, tcpdump, unshare and ip to capture in a private namespace"),
          arguments: [("lo", ""), ("any", "--time-stamp-precision=nano"), ("lo", "-s 54")])
    func realCaptures(device: String, extra: String) throws {
        let directory = try ExternalTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("\(device).pcap").path
        let snapped = extra == "-s 54"  // Ethernet + IPv6 header: IPv6 ports are cut off
        let log = directory.appendingPathComponent("tcpdump.log").path
        // UDP to closed ports on lo: each datagram and its ICMP port-unreachable reply.
        let script = """
        set -e
        ip link set lo up
        tcpdump -i \(device) -U -c 4 -w \(file) \(extra) 2>\(log) &
        pid=$!
        n=0; while ! grep -q listening \(log); do sleep 0.05; n=$((n+1)); [ $n -lt 400 ] || exit 3; done
        bash -c 'echo spoofguard > /dev/udp/127.0.0.1/5353; echo spoofguard > /dev/udp/::1/5353' 2>/dev/null || true
        wait $pid
        """
        let capture = try ExternalTools.run("timeout", ["60", "unshare", "-n", "bash", "-c", script])
        try #require(capture.status == 0, "capture failed: \(capture.error) \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")

        let tcpdump = try ExternalTools.run("tcpdump", ["-nn", "-r", file])
        #expect(tcpdump.status == 0)
        let ours = try PacketSource.read(contentsOf: file, overrideInterface: "lo")
        #expect(ours.format == .pcap)
        #expect(ours.packets.count == 4)
        #expect(ExternalTools.tcpdumpAddresses(tcpdump.output) == ours.packets.map(\.tcpdumpShape))
        #expect(ours.packets.contains { $0.source.description == "127.0.0.1" && $0.destinationPort == 5353 && $0.transport == .udp })
        #expect(ours.packets.contains { $0.source.description == "::1" && $0.transport == .udp
                                        && $0.destinationPort == (snapped ? nil : 5353) })
        #expect(ours.packets.contains { $0.transport == .icmp })
        #expect(ours.packets.contains { $0.transport == .icmpv6 })
        // Layer-3 lengths: the 11-byte datagram plus UDP and IP headers.
        #expect(ours.packets.first { $0.transport == .udp && $0.family == .ipv4 }?.length == 20 + 8 + 11)
        #expect(ours.packets.first { $0.transport == .udp && $0.family == .ipv6 }?.length == 40 + 8 + 11)

        // SLL2 names no interface: without --iif the reader says so.
        if device == "any" {
            let error = #expect(throws: PacketInputError.self) { try PacketSource.read(contentsOf: file) }
            #expect(error?.fix?.contains("--iif") == true)
        }
    }
}
