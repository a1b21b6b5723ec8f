import Foundation
import SpoofGuard

/// Per-packet work of the compiled ruleset as interfaces and prefixes grow: rules entered and
/// statements executed (the evaluator's own count), beside the rules a per-interface,
/// per-prefix expansion (pf-style `block in on IF from PREFIX`) would hold.
enum DataPlaneBenchmark {
    static func run(_ context: BenchContext) throws -> Table {
        var table = Table(title: "data-plane cost per packet",
                          header: ["interfaces", "guarded prefixes", "rules / packet (mean, max)", "statements / packet (mean, max)",
                                   "ns / packet", "pf-style rules"])
        let grid: [(interfaces: Int, extra: Int)] = context.quick
            ? [(1, 0), (10, 0), (1, 100), (10, 100)]
            : [(1, 0), (10, 0), (100, 0), (1_000, 0), (1, 1_000), (1, 10_000), (1, 100_000), (1_000, 100_000)]
        for (interfaces, extra) in grid {
            let names = (0..<interfaces).map { "eth\($0)" }
            let path = context.path("dataplane-\(interfaces)-\(extra).json")
            try Inputs.write(policy(interfaces: names, extraPrefixes: extra), to: path)
            let policy = try Policy.load(from: path)
            let guarded = policy.guardedPrefixCount
            // Kernel checks off: the ruleset alone does the work, as where route_localnet is on.
            var evaluator = try Evaluator(ruleset: Compiler.compile(policy), options: .init(kernelChecks: false))
            let packets = samplePackets(external: names.last!)
            var rules: [Int] = [], statements: [Int] = []
            for packet in packets {
                let statistics = evaluator.measure(packet).statistics
                rules.append(statistics.rules)
                statements.append(statistics.statements)
            }
            let repetitions = context.quick ? 1_000 : 100_000
            var perPacket: [Double] = []
            for _ in 0..<context.rounds {
                var dropped = 0
                let elapsed = Measure.seconds {
                    for index in 0..<repetitions where evaluator.decide(packets[index % packets.count]).verdict == .dropped { dropped += 1 }
                }
                guard dropped > 0 else { throw BenchmarkFailure("nothing dropped with \(path)") }
                perPacket.append(elapsed * 1e9 / Double(repetitions))
            }
            func meanMax(_ values: [Int]) -> String {
                String(format: "%.1f, %d", Double(values.reduce(0, +)) / Double(values.count), values.max() ?? 0)
            }
            table.rows.append([Format.count(interfaces), Format.count(guarded), meanMax(rules), meanMax(statements),
                               String(format: "%.0f", Measure.median(perPacket)), Format.count(interfaces * guarded)])
        }
        table.notes.append("Packets: IPv4/IPv6, loopback-sourced, loopback-destined and ordinary, on the last external "
                           + "interface, an internal one and lo; the kernel's own checks off. pf-style rules = interfaces × "
                           + "guarded prefixes (one rule per interface and prefix, each prefix in its own family).")
        table.notes += try encapsulationCost()
        return table
    }

    /// Rules a frame meets on a bridge port by its encapsulation (issue 14): the plain four
    /// rules, then four per guarded encapsulation, so the worst case is bounded (20) and does
    /// not grow with prefixes or interfaces.
    static func encapsulationCost() throws -> [String] {
        let policy = try Policy.decode(Array(#"{"version": 1, "external": ["eth1"], "hooks": ["bridge"]}"#.utf8), source: "bench")
        var evaluator = try Evaluator(ruleset: Compiler.compile(policy), options: .init(kernelChecks: false))
        let port = InputInterface(name: "eth1", kind: .bridgePort)
        let guarded: [(String, String)] = [("127.0.0.1", "192.0.2.1"), ("::1", "2001:db8::1"), ("192.0.2.9", "127.0.0.1"), ("2001:db8::9", "::1")]
        let kinds = [LinkEncapsulation.untagged, LinkEncapsulation(tags: [.init(.vlan8021Q)])] + LinkEncapsulation.guarded
        var lines = ["", "| frame on a bridge port | rules / guarded frame (mean, max) | rules / clean frame | dropped |", "|---|---:|---:|---:|"]
        for kind in kinds {
            var rules: [Int] = [], dropped = 0
            for (source, destination) in guarded {
                var packet = Packet(inputInterface: port, source: try IPAddress(parsing: source),
                                    destination: try IPAddress(parsing: destination), transport: .udp)
                packet.encapsulation = kind
                let (outcome, statistics) = evaluator.measure(packet)
                rules.append(statistics.rules)
                if outcome.verdict == .dropped { dropped += 1 }
            }
            var clean = Packet(inputInterface: port, source: try IPAddress(parsing: "198.51.100.7"),
                               destination: try IPAddress(parsing: "192.0.2.1"), transport: .udp)
            clean.encapsulation = kind
            let cleanRules = evaluator.measure(clean).statistics.rules
            lines.append("| \(kind) | " + String(format: "%.1f, %d", Double(rules.reduce(0, +)) / Double(rules.count), rules.max() ?? 0)
                         + " | \(cleanRules) | \(dropped)/\(guarded.count) |")
        }
        lines.append("Policy {\"external\": [\"eth1\"], \"hooks\": [\"bridge\"]}; guarded frames: loopback source or "
                     + "destination, IPv4 and IPv6. A single 802.1Q tag is offloaded by the kernel and meets the plain rules.")
        return lines
    }

    static func policy(interfaces: [String], extraPrefixes extra: Int) -> String {
        let literals = Inputs.literalPrefixes(extra).map { "\"\($0)\"" }
        return """
        { "version": 1, "external": [\(interfaces.map { "\"\($0)\"" }.joined(separator: ", "))], "internal": ["lan0"],
          "guard": { "source": [\((["\"loopback\""] + literals).joined(separator: ", "))], "destination": ["loopback"] } }
        """
    }

    static func samplePackets(external: String) -> [Packet] {
        let v4 = { (text: String) in IPAddress.v4(try! IPv4Address(parsing: text)) }
        let v6 = { (text: String) in IPAddress.v6(try! IPv6Address(parsing: text)) }
        let pairs: [(IPAddress, IPAddress)] = [
            (v4("198.51.100.7"), v4("192.0.2.1")), (v4("127.0.0.1"), v4("192.0.2.1")), (v4("192.0.2.9"), v4("127.0.0.1")),
            (v4("11.0.2.1"), v4("192.0.2.1")),
            (v6("2001:db8:1::7"), v6("2001:db8::1")), (v6("::1"), v6("2001:db8::1")), (v6("2001:db8::9"), v6("::1")),
        ]
        var packets: [Packet] = []
        for name in [external, "lan0", "lo"] {
            for (source, destination) in pairs {
                packets.append(Packet(inputInterface: InputInterface(name: name), source: source, destination: destination, transport: .udp))
            }
        }
        return packets
    }
}

extension Policy {
    /// Guarded prefixes in source and destination, both families.
    var guardedPrefixCount: Int { (guardedSources + guardedDestinations).reduce(0) { $0 + $1.prefixes.count } }
}
