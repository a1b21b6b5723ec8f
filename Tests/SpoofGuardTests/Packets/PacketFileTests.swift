import Foundation
import SpoofGuardTestSupport
import Testing
@testable import SpoofGuard

@Suite("reading packet files")
struct PacketFileTests {
    static func sample() -> [UInt8] {
        var pcap = PcapWriter(linkType: 1)
        for index in 0..<50 {
            pcap.add(Frames.ethernetIP(Frames.ipv4(src: "127.0.0.\(index)", dst: "192.0.2.1", proto: 6, sport: UInt16(index), dport: 80)))
        }
        return pcap.bytes
    }

    @Test("a mapped file, a pipe and bytes in memory read the same")
    func sources() throws {
        let bytes = Self.sample()
        let directory = try ExternalTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("sample.pcap")
        try Data(bytes).write(to: file)
        let fromMemory = try PacketSource.read(bytes: bytes, overrideInterface: "wan0")
        let fromFile = try PacketSource.read(contentsOf: file.path, overrideInterface: "wan0")
        #expect(fromFile == fromMemory)
        #expect(fromFile.packets.count == 50)

        let fifo = directory.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = try BackgroundProcess(["/bin/sh", "-c", "cat \"$0\" > \"$1\"", file.path, fifo])
        let fromPipe = try PacketSource.read(contentsOf: fifo, overrideInterface: "wan0")
        try writer.wait()
        #expect(fromPipe == fromMemory)
    }

    @Test("the iterator yields packets one by one and keeps the counts")
    func iterator() throws {
        var pcap = PcapWriter(linkType: 1)
        pcap.add(Frames.arp())
        pcap.add(Frames.ethernetIP(Frames.ipv4(src: "127.0.0.1", dst: "10.0.0.1")))
        pcap.add(Frames.ethernet([0x45, 0], etherType: 0x0800))
        pcap.add(Frames.ethernetIP(Frames.ipv6(src: "::1", dst: "::2")))
        var packets = try PacketSource.packets(bytes: pcap.bytes, overrideInterface: "eth0", skipBad: true)
        #expect(packets.format == .pcap)
        #expect(try packets.next()?.source.description == "127.0.0.1")
        #expect(packets.counts.notIP == 1)
        #expect(try packets.next()?.source.description == "::1")
        #expect(packets.skipped.map(\.location.record) == [3])
        #expect(try packets.next() == nil)
        #expect(try packets.next() == nil)
        #expect(packets.counts.packets == 2)
    }

    @Test("files that cannot be opened say why, with exit code 66")
    func cannotOpen() throws {
        let missing = #expect(throws: PacketInputError.self) { try PacketSource.read(contentsOf: "/nonexistent/packets.json") }
        #expect(missing?.kind == .cannotOpen)
        #expect(missing?.exitCode == 66)
        #expect(missing?.description.hasPrefix("/nonexistent/packets.json: cannot be read: No such file") == true)
        let directory = #expect(throws: PacketInputError.self) { try PacketSource.read(contentsOf: "/tmp") }
        #expect(directory?.reason == "is a directory")
    }

    @Test("formats are detected by content, not by name")
    func detection() throws {
        func format(_ bytes: [UInt8]) -> PacketFormat? { bytes.withUnsafeBytes { PacketSource.detectFormat($0) } }
        #expect(format(Self.sample()) == .pcap)
        #expect(format(PcapngWriter().bytes) == .pcapng)
        #expect(format(Array("\n [".utf8)) == .jsonArray)
        #expect(format(Array("\u{FEFF}{".utf8)) == .jsonLines)
        #expect(format([0xA1, 0xB2, 0xCD, 0x34]) == nil)
        let modified = #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: [0x34, 0xCD, 0xB2, 0xA1, 2, 0, 4, 0]) }
        #expect(modified?.fix?.contains("editcap") == true)
        #expect(format([]) == nil)
        let renamed = try PacketSource.read(bytes: Self.sample(), name: "packets.json", overrideInterface: "eth0")
        #expect(renamed.format == .pcap)
    }
}
