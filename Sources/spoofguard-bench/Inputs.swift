import Foundation

/// Generated inputs: policies with many guarded prefixes, and a capture file.
enum Inputs {
    /// `count` guard prefixes that never merge: non-adjacent IPv4 /24s from 11.0.0.0 and, for
    /// every tenth, an IPv6 /64 under 2001:db8::/32 (so `count` is the total).
    static func literalPrefixes(_ count: Int) -> [String] {
        let ipv6Count = count / 11
        var prefixes: [String] = []
        prefixes.reserveCapacity(count)
        for index in 0..<(count - ipv6Count) {
            let network = 0x0b00_0000 + index * 512
            prefixes.append("\(network >> 24).\((network >> 16) & 255).\((network >> 8) & 255).0/24")
        }
        for index in 0..<ipv6Count {
            prefixes.append("2001:db8:\(String(index >> 15, radix: 16)):\(String((index & 0x7fff) << 1, radix: 16))::/64")
        }
        return prefixes
    }

    /// A router policy guarding the loopback catalogs plus `extra` literal source prefixes
    /// (no spaces between them: 900,002 prefixes stay under the 16 MiB policy limit).
    static func policy(extraPrefixes extra: Int, external: [String] = ["eth0", "wan*", "ppp*"]) -> String {
        let quoted = (["loopback", "loopback-mapped"] + literalPrefixes(extra)).map { "\"\($0)\"" }
        return """
        { "version": 1, "external": [\(external.map { "\"\($0)\"" }.joined(separator: ", "))],
          "guard": { "source": [\(quoted.joined(separator: ","))], "destination": ["loopback"] } }
        """
    }

    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }
}

/// A minimal classic-pcap writer (Ethernet link type, microsecond timestamps) for generated
/// UDP packets with valid IPv4 header checksums.
struct PcapWriter {
    private(set) var bytes: [UInt8] = []

    init(expectedPackets: Int) {
        bytes.reserveCapacity(24 + expectedPackets * 80)
        append32(0xa1b2_c3d4)
        append16(2); append16(4)
        append32(0); append32(0)
        append32(65535)
        append32(1) // LINKTYPE_ETHERNET
    }

    mutating func appendUDP(source: [UInt8], destination: [UInt8], second: UInt32, microsecond: UInt32) {
        let isIPv4 = source.count == 4
        let payload = 8
        let ipLength = (isIPv4 ? 20 : 40) + payload
        let frameLength = 14 + ipLength
        append32(second); append32(microsecond)
        append32(UInt32(frameLength)); append32(UInt32(frameLength))
        bytes += [0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2]
        bytes += isIPv4 ? [0x08, 0x00] : [0x86, 0xdd]
        if isIPv4 {
            var header: [UInt8] = [0x45, 0, UInt8(ipLength >> 8), UInt8(ipLength & 255), 0, 0, 0x40, 0, 64, 17, 0, 0]
            header += source + destination
            var sum: UInt32 = 0
            for index in stride(from: 0, to: 20, by: 2) { sum += UInt32(header[index]) << 8 | UInt32(header[index + 1]) }
            while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
            let checksum = ~UInt16(sum)
            header[10] = UInt8(checksum >> 8); header[11] = UInt8(checksum & 255)
            bytes += header
        } else {
            bytes += [0x60, 0, 0, 0, UInt8(payload >> 8), UInt8(payload & 255), 17, 64]
            bytes += source + destination
        }
        // UDP 12345 -> 53, checksum 0 (absent; fine for IPv4, and nobody checks it here).
        bytes += [0x30, 0x39, 0x00, 0x35, 0, UInt8(payload), 0, 0]
    }

    private mutating func append32(_ value: UInt32) {
        bytes += [UInt8(value & 255), UInt8((value >> 8) & 255), UInt8((value >> 16) & 255), UInt8(value >> 24)]
    }
    private mutating func append16(_ value: UInt16) { bytes += [UInt8(value & 255), UInt8(value >> 8)] }

    /// `count` packets: 1 in 100 loopback-sourced (127.0.0.1 or ::1, alternately), the rest
    /// 70 % IPv4 / 30 % IPv6 from varying documentation and private sources.
    static func mixedCapture(packets count: Int) -> [UInt8] {
        var writer = PcapWriter(expectedPackets: count)
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        for index in 0..<count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let random = UInt32(truncatingIfNeeded: state >> 33)
            let (second, microsecond) = (UInt32(1_700_000_000 + index / 1_000_000), UInt32(index % 1_000_000))
            if index % 100 == 50 {
                if (index / 100) % 2 == 0 {
                    writer.appendUDP(source: [127, 0, 0, 1], destination: [192, 0, 2, 1], second: second, microsecond: microsecond)
                } else {
                    writer.appendUDP(source: Array(repeating: 0, count: 15) + [1], destination: ipv6(0x2001_0db8, 1),
                                     second: second, microsecond: microsecond)
                }
            } else if random % 10 < 7 {
                writer.appendUDP(source: [10, UInt8(random >> 16 & 255), UInt8(random >> 8 & 255), UInt8(random & 255)],
                                 destination: [192, 0, 2, 1], second: second, microsecond: microsecond)
            } else {
                writer.appendUDP(source: ipv6(0x2001_0db8, UInt64(random)), destination: ipv6(0x2001_0db8, 1),
                                 second: second, microsecond: microsecond)
            }
        }
        return writer.bytes
    }

    private static func ipv6(_ high: UInt32, _ low: UInt64) -> [UInt8] {
        var out = (0..<4).map { UInt8((high >> (24 - 8 * $0)) & 255) } + Array(repeating: 0, count: 4)
        out += (0..<8).map { UInt8((low >> (56 - 8 * UInt64($0))) & 255) }
        return out
    }
}
