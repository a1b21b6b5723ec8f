import Glibc
import SpoofGuard

/// Holds predictions against the kernel: packets are injected in small groups that share one
/// predicted fate, the kernel's counters are read after each group, and the group agrees when
/// every packet landed where predicted. Grouping by prediction makes the check exact: each
/// packet lands in exactly one place, so a single stray packet shows as a count elsewhere.
/// A group that disagrees is replayed one packet at a time, so each disagreement names its packet.
public final class AgreementHarness {
    public let lab: KernelLab
    public let ruleset: Ruleset
    let driver: any RulesetDriver
    let predict: (Packet) -> Fate
    let countedRules: [RuleAddress]
    /// The counters after the last group, which are the counters before the next one: the lab
    /// is silent between groups, so reading once per group halves the reads.
    private var last: Snapshot?

    /// Loads `ruleset` into the lab through `driver`; `predict` is the evaluator under test.
    public init(lab: KernelLab, ruleset: Ruleset, driver: any RulesetDriver, predict: @escaping (Packet) -> Fate) throws {
        self.lab = lab
        self.ruleset = ruleset
        self.driver = driver
        self.predict = predict
        countedRules = ruleset.countedRules
        try driver.load(ruleset, into: lab)
    }

    /// How the kernel's counters account for the packets sent since `before`.
    public struct Observation: Hashable, Sendable {
        public var fates: [Fate: Int]
        /// Packets no counter accounts for (lost somewhere the lab does not look).
        public var unaccounted: Int
    }

    struct Snapshot {
        var counters: KernelCounters
        var rules: [RuleAddress: UInt64]
    }

    func snapshot() throws -> Snapshot {
        Snapshot(counters: try lab.counters(), rules: try driver.ruleCounters(of: ruleset, in: lab))
    }

    func observation(from before: Snapshot, to after: Snapshot, sent: Int, sentOnLoopback: Int) -> Observation {
        let delta = before.counters.delta(to: after.counters)
        // The router's own answers to packets it thinks local — a `reject` answering a 127/8 or
        // 0.0.0.0 source — come back through lo and are delivered: they are not lab packets.
        let looped = max(0, Int(delta.received["lo"] ?? 0) - sentOnLoopback)
        var fates: [Fate: Int] = [:]
        var ruleDrops = 0, earlyRuleDrops = 0
        for rule in countedRules {
            let count = Int((after.rules[rule] ?? 0) &- (before.rules[rule] ?? 0))
            guard count > 0 else { continue }
            fates[.rule(rule)] = count
            if rule.isBeforeIPReceive { earlyRuleDrops += count } else { ruleDrops += count }
        }
        let bridged = lab.topology.links.filter(\.isBridgePort).reduce(0) { $0 + Int(delta.transmitted[$1.name] ?? 0) }
        let delivered = Int(delta["Ip:InDelivers"] + delta["Ip:ForwDatagrams"] + delta["Ip6InDelivers"] + delta["Ip6OutForwDatagrams"]) - looped
        let received = Int(delta["Ip:InReceives"] + delta["Ip6InReceives"]) - looped
        let coreDrops = Int(delta["Ip6InHdrErrors"] + delta["Ip:InHdrErrors"])
        let afterPrerouting = received - coreDrops - ruleDrops - delivered
        if coreDrops > 0 { fates[.droppedBeforePrerouting] = coreDrops }
        if afterPrerouting != 0 { fates[.droppedAfterPrerouting] = afterPrerouting }
        if delivered + bridged > 0 { fates[.accepted] = delivered + bridged }
        return Observation(fates: fates, unaccounted: sent - earlyRuleDrops - received - bridged)
    }

    /// Sends `injections` and observes them; waits (briefly) for deferred kernel work until every
    /// packet is accounted for.
    public func observe(_ injections: [Injection]) throws -> Observation {
        let before = try last ?? snapshot()
        last = nil
        try lab.send(injections)
        var result = Observation(fates: [:], unaccounted: injections.count)
        for attempt in 0..<50 {
            if attempt > 0 { usleep(2000) }
            _ = try lab.settledCounters()
            let after = try snapshot()
            result = observation(from: before, to: after, sent: injections.count,
                                 sentOnLoopback: injections.count { $0.packet.inputInterface.name == "lo" })
            if result.unaccounted == 0 {
                last = after
                break
            }
        }
        lab.drainListener()
        return result
    }

    /// One packet whose prediction the kernel did not confirm.
    public struct Disagreement: Hashable, Sendable, CustomStringConvertible {
        public var injection: Injection
        public var predicted: Fate
        public var observed: Observation

        public var description: String {
            let seen = observed.fates.sorted { $0.key < $1.key }.map { "\($0.key)" + ($0.value == 1 ? "" : " ×\($0.value)") }
            var text = "\(injection.packet.summary)"
            if let vlan = injection.vlanID { text += " vlan \(vlan)" }
            text += ": predicted \(predicted), kernel: \(seen.isEmpty ? "nothing" : seen.joined(separator: ", "))"
            if observed.unaccounted != 0 { text += " (\(observed.unaccounted) unaccounted)" }
            return text
        }
    }

    public struct Report: Sendable {
        public var packets = 0
        public var groups = 0
        /// Packets per predicted fate that the kernel confirmed.
        public var agreed: [Fate: Int] = [:]
        public var disagreements: [Disagreement] = []
        public var isAgreement: Bool { disagreements.isEmpty }
    }

    /// Predicts each packet, groups packets by prediction (and by the route_localnet setting
    /// their device needs), injects group by group, and compares.
    public func run(_ injections: [Injection], groupSize: Int = 32,
                    progress: ((Report) -> Void)? = nil) throws -> Report {
        var report = Report()
        struct Key: Hashable { var fate: Fate; var routeLocalnet: Bool }
        var pending: [Key: [Injection]] = [:]
        var order: [Key] = []

        func flush(_ key: Key) throws {
            guard let group = pending.removeValue(forKey: key), !group.isEmpty else { return }
            for device in Set(group.map(\.packet.inputInterface.name)) where device != "lo" {
                try lab.setRouteLocalnet(key.routeLocalnet, device: device)
            }
            report.groups += 1
            report.packets += group.count
            let observation = try observe(group)
            if observation == Observation(fates: [key.fate: group.count], unaccounted: 0) {
                report.agreed[key.fate, default: 0] += group.count
            } else {
                let expected = Observation(fates: [key.fate: 1], unaccounted: 0)
                for injection in group {
                    var single = group.count == 1 ? observation : try observe([injection])
                    // A disagreement must reproduce: the router's own rare multicast reports,
                    // looped back and delivered, can land in the counters once.
                    if single != expected { single = try observe([injection]) }
                    if single == expected {
                        report.agreed[key.fate, default: 0] += 1
                    } else {
                        report.disagreements.append(Disagreement(injection: injection, predicted: key.fate, observed: single))
                    }
                }
            }
            progress?(report)
        }

        for injection in injections {
            let key = Key(fate: predict(injection.packet), routeLocalnet: injection.packet.routeLocalnet)
            if pending[key] == nil { order.append(key) }
            pending[key, default: []].append(injection)
            if pending[key]!.count >= groupSize { try flush(key) }
        }
        for key in order { try flush(key) }
        return report
    }
}
