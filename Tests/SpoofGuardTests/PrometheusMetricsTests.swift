import Testing
@testable import SpoofGuard

/// The exposition text itself; the CLI tests parse it with prometheus_client after real drops.
@Suite struct PrometheusMetricsTextTests {
    @Test func guardRulesBecomeLabelledCountersAndAbsentFamiliesZeroGauges() {
        let inet = KernelStatusDiffTests.table(interfaces: ["eth0"])
        let netdev = KernelStatusDiffTests.table(interfaces: [], family: .netdev, devices: ["eth1"])
        let status = LoadedGuard(ruleset: Ruleset(tables: [inet, netdev]), existingInterfaces: [])
        let text = PrometheusMetrics.render(status, table: "spoofguard", families: ["netdev", "inet", "bridge"])
        let labels = #"table="spoofguard",family="inet",chain="prerouting",direction="source",address_family="ipv4",rule="guard.source ipv4""#
        #expect(text == """
            # HELP spoofguard_table_present Whether spoofguard's table is loaded in this nftables family (1) or not (0).
            # TYPE spoofguard_table_present gauge
            spoofguard_table_present{table="spoofguard",family="bridge"} 0
            spoofguard_table_present{table="spoofguard",family="inet"} 1
            spoofguard_table_present{table="spoofguard",family="netdev"} 1
            # HELP spoofguard_rules_loaded Rules in spoofguard's table, all chains.
            # TYPE spoofguard_rules_loaded gauge
            spoofguard_rules_loaded{table="spoofguard",family="bridge"} 0
            spoofguard_rules_loaded{table="spoofguard",family="inet"} 1
            spoofguard_rules_loaded{table="spoofguard",family="netdev"} 1
            # HELP spoofguard_dropped_packets_total Packets a guard rule matched (dropped or rejected) since the rule was loaded.
            # TYPE spoofguard_dropped_packets_total counter
            spoofguard_dropped_packets_total{\(labels)} 4
            spoofguard_dropped_packets_total{\(labels.replacingOccurrences(of: "inet", with: "netdev"))} 4
            # HELP spoofguard_dropped_bytes_total Bytes of the packets a guard rule matched since the rule was loaded.
            # TYPE spoofguard_dropped_bytes_total counter
            spoofguard_dropped_bytes_total{\(labels)} 240
            spoofguard_dropped_bytes_total{\(labels.replacingOccurrences(of: "inet", with: "netdev"))} 240

            """)
    }

    @Test func labelValuesAreEscaped() {
        #expect(PrometheusMetrics.escape(#"a\b"c"# + "\nd") == #"a\\b\"c\nd"#)
        // Grapheme clusters that hold a quote or a line feed: escaped all the same, so a rule
        // comment cannot end the label value or the sample line.
        #expect(PrometheusMetrics.escape("a\r\nb") == "a\r\\nb")
        #expect(PrometheusMetrics.escape("\"\u{301}x") == "\\\"\u{301}x")
        #expect(PrometheusMetrics.escape("\\\u{301}") == "\\\\\u{301}")
        #expect(PrometheusMetrics.labelText([("rule", "x\"\u{301},evil=\"1")]) == "{rule=\"x\\\"\u{301},evil=\\\"1\"}")
        #expect(PrometheusMetrics.guardRule("guard.destination ipv6")! == ("destination", "ipv6"))
        #expect(PrometheusMetrics.guardRule("action.log") == nil)
    }
}
