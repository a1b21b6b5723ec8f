/// spoofguard's loaded state in the Prometheus text exposition format (version 0.0.4), as the
/// node_exporter textfile collector reads it: one HELP and one TYPE line per metric family,
/// then its samples. Drops are counted per guard rule, whose comment (`guard.source ipv4`)
/// gives the direction and address family.
public enum PrometheusMetrics {
    /// The families `status` reads; each gets a `table_present` sample, 0 when absent.
    public static func render(_ status: LoadedGuard, table: String, families: [String]) -> String {
        var present: [[String]: UInt64] = [:]
        var loaded: [[String]: UInt64] = [:]
        var packets: [[String]: UInt64] = [:]
        var bytes: [[String]: UInt64] = [:]
        var order: [[(String, String)]] = []
        for family in families.sorted() {
            let summary = status.tables.first { $0.family == family && $0.name == table }
            let key = [("table", table), ("family", family)]
            present[Key(key).labels] = summary == nil ? 0 : 1
            loaded[Key(key).labels] = UInt64(summary?.chains.reduce(0) { $0 + $1.rules.count } ?? 0)
            for chain in summary?.chains ?? [] {
                for rule in chain.rules {
                    guard let comment = rule.comment, let (direction, addressFamily) = guardRule(comment),
                          let count = rule.packets else { continue }
                    let labels = key + [("chain", chain.name), ("direction", direction),
                                        ("address_family", addressFamily), ("rule", comment)]
                    let k = Key(labels).labels
                    if packets[k] == nil { order.append(labels) }
                    packets[k, default: 0] += count
                    bytes[k, default: 0] += rule.bytes ?? 0
                }
            }
        }
        var lines: [String] = []
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: [(String, String)], value: UInt64)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for sample in samples { lines.append("\(name)\(labelText(sample.labels)) \(sample.value)") }
        }
        let tableKeys = families.sorted().map { [("table", table), ("family", $0)] }
        family("spoofguard_table_present", "gauge", "Whether spoofguard's table is loaded in this nftables family (1) or not (0).",
               tableKeys.map { ($0, present[Key($0).labels] ?? 0) })
        family("spoofguard_rules_loaded", "gauge", "Rules in spoofguard's table, all chains.",
               tableKeys.map { ($0, loaded[Key($0).labels] ?? 0) })
        family("spoofguard_dropped_packets_total", "counter",
               "Packets a guard rule matched (dropped or rejected) since the rule was loaded.",
               order.map { ($0, packets[Key($0).labels] ?? 0) })
        family("spoofguard_dropped_bytes_total", "counter",
               "Bytes of the packets a guard rule matched since the rule was loaded.",
               order.map { ($0, bytes[Key($0).labels] ?? 0) })
        return lines.joined(separator: "\n") + "\n"
    }

    /// `guard.source ipv4` → (source, ipv4); nil for rules that are not guard rules.
    static func guardRule(_ comment: String) -> (String, String)? {
        let parts = comment.split(separator: " ")
        guard parts.count == 2, parts[0].hasPrefix("guard.") else { return nil }
        return (String(parts[0].dropFirst("guard.".count)), String(parts[1]))
    }

    static func labelText(_ labels: [(String, String)]) -> String {
        "{" + labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",") + "}"
    }

    /// The exposition format's label value escapes: backslash, double quote, line feed. By
    /// byte, not by `Character`: a CR LF, or a quote followed by a combining mark, is one
    /// Character and would slip through a match on "\n" or "\"" unescaped.
    static func escape(_ value: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Label lists as dictionary keys (tuples are not Hashable).
    struct Key { let labels: [String]; init(_ pairs: [(String, String)]) { labels = pairs.map { "\($0.0)=\($0.1)" } } }
}
