import Foundation
import Testing
import SpoofGuardTestSupport

let prometheusParserAvailable = (try? KernelCommandTests.execute(["/usr/bin/python3", "-c", "import prometheus_client"]).status) == 0

/// `status --format prometheus`, read back by prometheus_client's parser after real spoofed
/// packets hit the guard in a private namespace.
@Suite(.serialized, .kernel,
       .tool(prometheusParserAvailable,
                "python3 prometheus_client is missing: apt-get install python3-prometheus-client (see .ci/install-deps)"))
struct PrometheusMetricsTests {
    struct Family: Decodable {
        struct Sample: Decodable {
            var name: String
            var labels: [String: String]
            var value: Double
        }
        var name: String
        var type: String
        var documentation: String
        var samples: [Sample]
    }

    static func script(_ name: String) -> String {
        BuiltBinary.packageRoot.appendingPathComponent("Tests/Scripts/\(name)").path
    }

    static func parse(_ text: String) throws -> [String: Family] {
        let parsed = try KernelCommandTests.execute(["/usr/bin/python3", script("parse-prometheus.py")], input: text)
        try #require(parsed.status == 0, "the parser rejected the metrics: \(parsed.error)")
        let families = try JSONDecoder().decode([Family].self, from: Data(parsed.output.utf8))
        return Dictionary(uniqueKeysWithValues: families.map { ($0.name, $0) })
    }

    @Test func dropsPerRuleAreCountedAndParse() throws {
        let ns = try KernelCommandTests.Namespace()
        func inside(_ command: String...) throws -> KernelCommandTests.Outcome {
            try KernelCommandTests.execute(["ip", "netns", "exec", ns.name] + command)
        }
        #expect(try inside("ip", "link", "add", "wan0", "type", "veth", "peer", "name", "peer0").status == 0)
        #expect(try inside("ip", "link", "set", "wan0", "up").status == 0)
        #expect(try inside("ip", "link", "set", "peer0", "up").status == 0)
        let policy = BuiltBinary.packageRoot.appendingPathComponent("Examples/router.json").path
        #expect(try ns.spoofguard("apply", policy).status == 0)
        let sent = try inside("/usr/bin/python3", Self.script("send-loopback-spoof.py"), "peer0", "5")
        try #require(sent.status == 0, "\(sent.error)")

        let status = try ns.spoofguard("status", "--format", "prometheus")
        #expect(status.status == 0, "\(status.error)")
        #expect(status.output.hasSuffix("\n"))
        let families = try Self.parse(status.output)
        #expect(Set(families.keys) == ["spoofguard_table_present", "spoofguard_rules_loaded",
                                       "spoofguard_dropped_packets", "spoofguard_dropped_bytes"])
        #expect(families["spoofguard_dropped_packets"]?.type == "counter")
        #expect(families["spoofguard_table_present"]?.type == "gauge")
        #expect(families.values.allSatisfy { !$0.documentation.isEmpty })

        let present = families["spoofguard_table_present"]?.samples ?? []
        #expect(present.map { "\($0.labels["family"] ?? ""):\($0.value)" }.sorted() == ["bridge:0.0", "inet:1.0", "netdev:0.0"])
        let loaded = try #require(families["spoofguard_rules_loaded"]?.samples.first { $0.labels["family"] == "inet" })
        #expect(loaded.value > 0)

        let packets = families["spoofguard_dropped_packets"]?.samples ?? []
        let sourceV4 = try #require(packets.first { $0.labels["rule"] == "guard.source ipv4" })
        #expect(sourceV4.name == "spoofguard_dropped_packets_total")
        #expect(sourceV4.labels == ["table": "spoofguard", "family": "inet", "chain": "prerouting",
                                    "direction": "source", "address_family": "ipv4", "rule": "guard.source ipv4"])
        #expect(sourceV4.value == 5)
        #expect(packets.filter { $0.labels["rule"] != "guard.source ipv4" }.allSatisfy { $0.value == 0 })
        let bytes = families["spoofguard_dropped_bytes"]?.samples ?? []
        #expect(bytes.first { $0.labels["rule"] == "guard.source ipv4" }?.value == Double(5 * 40))
        #expect(Set(packets.map(\.labels)) == Set(bytes.map(\.labels)))
    }

    @Test func anAbsentTableIsReportedAsAbsent() throws {
        let ns = try KernelCommandTests.Namespace()
        let status = try ns.spoofguard("status", "--format", "prometheus")
        #expect(status.status == 0)
        let families = try Self.parse(status.output)
        #expect(families["spoofguard_table_present"]?.samples.allSatisfy { $0.value == 0 } == true)
        #expect(families["spoofguard_table_present"]?.samples.count == 3)
        #expect(families["spoofguard_dropped_packets"]?.samples.isEmpty == true)
    }
}
