import Glibc
import SystemPackage

/// A snapshot of the router namespace's receive-path counters: SNMP (/proc/net/snmp, snmp6),
/// per-device packet counts (/proc/net/dev) and the route cache's martian counts
/// (/proc/net/stat/rt_cache — global to the host, not per namespace).
public struct KernelCounters: Sendable {
    /// `Ip:InReceives`, `Ip6InHdrErrors`, … as the files name them (IPv4 rows are prefixed with the row name).
    public var snmp: [String: UInt64]
    public var received: [String: UInt64]
    public var transmitted: [String: UInt64]
    public var martianSources: UInt64
    public var martianDestinations: UInt64

    public subscript(_ name: String) -> UInt64 { snmp[name] ?? 0 }

    /// `later - self` for every counter.
    public func delta(to later: KernelCounters) -> KernelCounters {
        func difference(_ a: [String: UInt64], _ b: [String: UInt64]) -> [String: UInt64] {
            b.reduce(into: [:]) { result, entry in result[entry.key] = entry.value &- (a[entry.key] ?? 0) }
        }
        return KernelCounters(snmp: difference(snmp, later.snmp),
                              received: difference(received, later.received),
                              transmitted: difference(transmitted, later.transmitted),
                              martianSources: later.martianSources &- martianSources,
                              martianDestinations: later.martianDestinations &- martianDestinations)
    }

    // MARK: Parsing

    /// `/proc/net/snmp` and `/proc/net/netstat`: pairs of lines "Ip: Forwarding DefaultTTL …" / "Ip: 1 64 …".
    static func parsePairedRows(_ text: String, into result: inout [String: UInt64]) {
        let lines = text.split(separator: "\n")
        var index = 0
        while index + 1 < lines.count {
            let names = lines[index].split(separator: " ")
            let values = lines[index + 1].split(separator: " ")
            if let row = names.first, row.hasSuffix(":"), values.first == row, names.count == values.count {
                for (name, value) in zip(names.dropFirst(), values.dropFirst()) {
                    if let number = UInt64(value) ?? Int64(value).map({ UInt64(bitPattern: $0) }) {
                        result[row + String(name)] = number
                    }
                }
                index += 2
            } else {
                index += 1
            }
        }
    }

    /// `/proc/net/snmp6`: "Ip6InReceives   12" per line.
    static func parseNameValueLines(_ text: String, into result: inout [String: UInt64]) {
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count == 2, let value = UInt64(fields[1]) { result[String(fields[0])] = value }
        }
    }

    /// `/proc/net/dev`: "  eth0: rxbytes rxpackets … (8 rx fields) txbytes txpackets …".
    static func parseDevices(_ text: String) -> (received: [String: UInt64], transmitted: [String: UInt64]) {
        var received: [String: UInt64] = [:], transmitted: [String: UInt64] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingWhitespace
            let fields = line[line.index(after: colon)...].split(separator: " ").compactMap { UInt64($0) }
            guard fields.count >= 10 else { continue }
            received[String(name)] = fields[1]
            transmitted[String(name)] = fields[9]
        }
        return (received, transmitted)
    }

    /// `/proc/net/stat/rt_cache`: a header, then one hex row per CPU; summed.
    static func parseRouteCache(_ text: String) -> (sources: UInt64, destinations: UInt64) {
        let lines = text.split(separator: "\n")
        guard let header = lines.first?.split(separator: " "),
              let sourceColumn = header.firstIndex(of: "in_martian_src"),
              let destinationColumn = header.firstIndex(of: "in_martian_dst") else { return (0, 0) }
        var sources: UInt64 = 0, destinations: UInt64 = 0
        for line in lines.dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > max(sourceColumn, destinationColumn) else { continue }
            sources += UInt64(fields[sourceColumn], radix: 16) ?? 0
            destinations += UInt64(fields[destinationColumn], radix: 16) ?? 0
        }
        return (sources, destinations)
    }
}

extension Substring {
    var trimmingWhitespace: Substring {
        var text = self
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }
}

/// Open descriptors on the router namespace's /proc/net files. They were opened inside the
/// namespace, so re-reading them from any thread shows that namespace.
final class CounterFiles: @unchecked Sendable {
    private let snmp: Int32, snmp6: Int32, dev: Int32, routeCache: Int32

    /// Must run on a thread inside the namespace.
    init() throws(LabError) {
        func openProc(_ name: String) throws(LabError) -> Int32 {
            let path = "/proc/thread-self/net/" + name
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .system(call: "open", errno: Errno(rawValue: errno), context: path) }
            return fd
        }
        snmp = try openProc("snmp")
        snmp6 = try openProc("snmp6")
        dev = try openProc("dev")
        routeCache = try openProc("stat/rt_cache")
    }

    deinit {
        for fd in [snmp, snmp6, dev, routeCache] { close(fd) }
    }

    func read() throws(LabError) -> KernelCounters {
        var values: [String: UInt64] = [:]
        KernelCounters.parsePairedRows(try Self.readAll(snmp), into: &values)
        KernelCounters.parseNameValueLines(try Self.readAll(snmp6), into: &values)
        let devices = KernelCounters.parseDevices(try Self.readAll(dev))
        let martians = KernelCounters.parseRouteCache(try Self.readAll(routeCache))
        return KernelCounters(snmp: values, received: devices.received, transmitted: devices.transmitted,
                              martianSources: martians.sources, martianDestinations: martians.destinations)
    }

    private static func readAll(_ fd: Int32) throws(LabError) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var offset: off_t = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            guard count >= 0 else { throw .system(call: "pread", errno: Errno(rawValue: errno), context: "/proc/net counters") }
            if count == 0 { break }
            bytes += buffer[0..<count]
            offset += off_t(count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
