import Foundation
import Testing
@testable import SpoofGuard

/// Generates Examples/packets/ and holds the committed files to it. After changing the
/// samples, regenerate with `SPOOFGUARD_REGENERATE_EXAMPLES=1 swift test --filter ExamplePacketFiles`.
@Suite("Examples/packets")
struct ExamplePacketFilesTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/packets")

    /// One line per packet; expectations assume a guard on every interface but `lo` (the
    /// default policy) against loopback sources and destinations and loopback-mapped sources.
    static let listLines = [
        #"{"iif": "wan0", "src": "127.0.0.1", "dst": "192.0.2.1", "proto": "udp", "dport": 53, "expect": "drop"}"#,
        #"{"iif": "lo", "src": "127.0.0.1", "dst": "127.0.0.1", "proto": "tcp", "sport": 40000, "dport": 5432, "expect": "accept"}"#,
        #"{"iif": "wan0", "src": "198.51.100.7", "dst": "127.0.0.1", "proto": "tcp", "dport": 8080, "expect": "drop"}"#,
        #"{"iif": "eth0", "src": "127.0.0.1", "dst": "192.0.2.1", "proto": "udp", "dport": 53, "route_localnet": true, "expect": "drop"}"#,
        #"{"iif": "wan0", "src": "::1", "dst": "2001:db8::1", "proto": "tcp", "dport": 22, "expect": "drop"}"#,
        #"{"iif": "lo", "src": "::1", "dst": "::1", "proto": "udp", "dport": 53, "expect": "accept"}"#,
        #"{"iif": "wan0", "src": "::ffff:127.0.0.1", "dst": "2001:db8::1", "proto": "udp", "dport": 53, "expect": "drop"}"#,
        #"{"iif": "wan0", "src": "198.51.100.7", "dst": "192.0.2.1", "proto": "tcp", "sport": 51000, "dport": 443, "length": 60, "expect": "accept"}"#,
        #"{"iif": "wan0", "src": "2001:db8:1::7", "dst": "2001:db8::1", "proto": "icmpv6", "expect": "accept"}"#,
        #"{"iif": "wan0", "src": "0.0.0.0", "dst": "255.255.255.255", "proto": "udp", "sport": 68, "dport": 67, "expect": "accept"}"#,
    ]

    static func packetsJSON() -> String { "[\n  " + listLines.joined(separator: ",\n  ") + "\n]\n" }

    static func packetsJSONLines() -> String {
        [
            #"{"iif":"wan0","src":"127.0.0.53","dst":"192.0.2.1","proto":"udp","dport":53,"expect":"drop"}"#,
            #"{"iif":"wan0","src":"64:ff9b::7f00:1","dst":"2001:db8::1","proto":"tcp","dport":443,"expect":"drop"}"#,
            #"{"iif":"br-lan","iif_kind":"bridge-port","src":"192.168.1.20","dst":"192.168.1.1","proto":"udp","dport":53}"#,
            #"{"iif":"lo","src":"127.0.0.1","dst":"127.0.0.1","proto":"icmp","expect":"accept"}"#,
        ].joined(separator: "\n") + "\n"
    }

    /// wan0 (Ethernet) and lo, with spoofed, mapped, normal and non-IP traffic.
    static func interfacesPcapng() -> [UInt8] {
        var capture = PcapngWriter()
        capture.interface(linkType: 1, name: "wan0")
        capture.interface(linkType: 1, name: "lo")
        capture.enhancedPacket(interface: 0, Frames.ethernetIP(Frames.ipv4(src: "127.0.0.1", dst: "192.0.2.1", proto: 17, sport: 40000, dport: 53)))
        capture.enhancedPacket(interface: 0, Frames.ethernetIP(Frames.ipv6(src: "::ffff:127.0.0.1", dst: "2001:db8::1", proto: 17, sport: 40000, dport: 53)))
        capture.enhancedPacket(interface: 0, Frames.ethernetIP(Frames.ipv4(src: "198.51.100.7", dst: "192.0.2.1", proto: 6, sport: 51000, dport: 443, payload: 0)))
        capture.enhancedPacket(interface: 0, Frames.ethernetIP(Frames.ipv4(src: "127.0.0.1", dst: "192.0.2.1", proto: 1), tags: [0x8100]))
        capture.enhancedPacket(interface: 0, Frames.arp())
        capture.enhancedPacket(interface: 1, Frames.ethernetIP(Frames.ipv4(src: "127.0.0.1", dst: "127.0.0.1", proto: 17, sport: 40001, dport: 53)))
        capture.enhancedPacket(interface: 1, Frames.ethernetIP(Frames.ipv6(src: "::1", dst: "::1", proto: 6, sport: 40002, dport: 22, payload: 0)))
        return capture.bytes
    }

    /// Issue 14's frames as a bridge port captures them: loopback sources in QinQ, double
    /// 802.1Q, PPPoE and 802.1Q+PPPoE frames, then a legitimate QinQ frame and PPPoE LCP.
    static func bridgedEncapsulatedPcap() -> [UInt8] {
        let v4 = Frames.ipv4(src: "127.0.0.1", dst: "198.51.100.7", proto: 17, sport: 40000, dport: 53)
        let v6 = Frames.ipv6(src: "::1", dst: "2001:db8::7", proto: 17, sport: 40000, dport: 53)
        var capture = PcapWriter(linkType: 1)
        capture.add(Frames.ethernetIP(v4, tags: [0x88A8, 0x8100]))
        capture.add(Frames.ethernetIP(v6, tags: [0x88A8, 0x8100]))
        capture.add(Frames.ethernetIP(v4, tags: [0x8100, 0x8100]))
        capture.add(EncapsulatedCaptureTests.pppoe(v4, pppProtocol: 0x0021))
        capture.add(EncapsulatedCaptureTests.pppoe(v6, pppProtocol: 0x0057))
        capture.add(EncapsulatedCaptureTests.pppoe(v4, pppProtocol: 0x0021, tags: [0x8100]))
        capture.add(Frames.ethernetIP(Frames.ipv4(src: "192.0.2.9", dst: "198.51.100.7", proto: 17, sport: 40000, dport: 53), tags: [0x88A8, 0x8100]))
        capture.add(EncapsulatedCaptureTests.pppoe([0xc0, 0x21, 1, 1, 0, 4], pppProtocol: 0xc021))
        return capture.bytes
    }

    static let files: [(String, [UInt8])] = [
        ("packets.json", Array(packetsJSON().utf8)),
        ("packets.jsonl", Array(packetsJSONLines().utf8)),
        ("interfaces.pcapng", interfacesPcapng()),
        ("bridged-encapsulated.pcap", bridgedEncapsulatedPcap()),
    ]

    @Test("the committed sample files are what the generator writes")
    func upToDate() throws {
        let regenerate = ProcessInfo.processInfo.environment["SPOOFGUARD_REGENERATE_EXAMPLES"] == "1"
        if regenerate { try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true) }
        for (name, bytes) in Self.files {
            let url = Self.directory.appendingPathComponent(name)
            if regenerate { try Data(bytes).write(to: url) }
            let committed = try Data(contentsOf: url)
            #expect([UInt8](committed) == bytes, "\(name) differs; run SPOOFGUARD_REGENERATE_EXAMPLES=1 swift test --filter ExamplePacketFiles")
        }
    }

    @Test("the samples read as intended")
    func readable() throws {
        let list = try PacketSource.read(contentsOf: Self.directory.appendingPathComponent("packets.json").path)
        #expect(list.format == .jsonArray)
        #expect(list.packets.count == Self.listLines.count)
        #expect(list.packets.allSatisfy { $0.expected != nil })
        #expect(list.packets.filter { $0.expected == .drop }.count == 5)

        let lines = try PacketSource.read(contentsOf: Self.directory.appendingPathComponent("packets.jsonl").path)
        #expect(lines.format == .jsonLines)
        #expect(lines.packets.map(\.inputInterface.kind) == [.ordinary, .ordinary, .bridgePort, .loopback])

        let capture = try PacketSource.read(contentsOf: Self.directory.appendingPathComponent("interfaces.pcapng").path)
        #expect(capture.format == .pcapng)
        #expect(capture.packets.map(\.summary) == [
            "wan0 127.0.0.1 > 192.0.2.1 udp 40000->53 len 32",
            "wan0 ::ffff:127.0.0.1 > 2001:db8::1 udp 40000->53 len 52",
            "wan0 198.51.100.7 > 192.0.2.1 tcp 51000->443 len 40",
            "wan0 127.0.0.1 > 192.0.2.1 icmp len 32",
            "lo 127.0.0.1 > 127.0.0.1 udp 40001->53 len 32",
            "lo ::1 > ::1 tcp 40002->22 len 60",
        ])
        #expect(capture.notIPCount == 1)
    }
}
