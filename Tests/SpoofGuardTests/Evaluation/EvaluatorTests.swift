import Testing
@testable import SpoofGuard

@Suite struct EvaluatorTests {
    typealias F = Fixture

    static func evaluator(_ policy: Policy = F.policy(), options: Evaluator.Options = .init()) throws -> Evaluator {
        try Evaluator(ruleset: Compiler.compile(policy), options: options)
    }

    @Test func guardRuleDropsLoopbackSourceOnExternalInterfaceAndCounts() throws {
        var evaluator = try Self.evaluator()
        let evaluation = evaluator.evaluate(F.packet("wan0", "127.0.0.1", "192.0.2.1"))
        #expect(evaluation.verdict == .dropped)
        guard case .rule(let rule, nil) = evaluation.decider else {
            Issue.record("expected a rule, got \(evaluation.decider)")
            return
        }
        #expect(rule.comment == "guard.source ipv4")
        #expect(rule.chain == "prerouting" && rule.tableFamily == .inet && rule.index == 0)
        #expect(rule.nftText == "iifname @external_interfaces ip saddr @source_ipv4 counter drop")
        #expect(evaluation.countedRules == [rule])
        let index = try #require(evaluator.rules.firstIndex(of: rule))
        // 20-byte IPv4 header + 8-byte UDP header: the layer-3 length the kernel counts.
        #expect(evaluator.counters[index] == Counter(packets: 1, bytes: 28))
        _ = evaluator.evaluate(F.packet("wan0", "127.0.0.2", "192.0.2.1"))
        #expect(evaluator.counters[index] == Counter(packets: 2, bytes: 56))
    }

    @Test func loopbackInterfaceIsNeverFiltered() throws {
        var evaluator = try Self.evaluator()
        for (source, destination) in [("127.0.0.1", "127.0.0.1"), ("::1", "::1"), ("::ffff:127.0.0.1", "::1")] {
            let evaluation = evaluator.evaluate(F.packet("lo", source, destination))
            #expect(evaluation.verdict == .accepted)
            #expect(evaluation.decider == .nobody)
            #expect(evaluation.countedRules.isEmpty)
        }
    }

    @Test func unguardedInterfaceMeetsOnlyTheKernelMartianCheck() throws {
        var evaluator = try Self.evaluator()
        let martian = evaluator.evaluate(F.packet("eth1", "127.0.0.1", "192.0.2.1"))
        #expect(martian.verdict == .dropped)
        #expect(martian.decider == .kernel(.ipv4MartianSource(.loopback)))
        #expect(martian.decider.description == "kernel (ipv4 route input: martian source 127/8)")
        let localnet = evaluator.evaluate(F.packet("eth1", "127.0.0.1", "192.0.2.1", routeLocalnet: true))
        #expect(localnet.verdict == .accepted && localnet.decider == .nobody)
        // The guard does not rest on route_localnet: on a guarded interface the rule decides.
        let guarded = evaluator.evaluate(F.packet("eth0", "127.0.0.1", "192.0.2.1", routeLocalnet: true))
        #expect(guarded.decider.entryRule?.comment == "guard.source ipv4")
    }

    @Test func ipv6CoreDropsLoopbackBeforePrerouting() throws {
        var evaluator = try Self.evaluator()
        let core = evaluator.evaluate(F.packet("eth0", "::1", "2001:db8::1"))
        #expect(core.decider == .kernel(.ipv6LoopbackAddress(.source)))
        #expect(core.countedRules.isEmpty, "prerouting never sees ::1 on a current kernel")
        var older = try Self.evaluator(options: .init(kernelChecks: false))
        #expect(older.evaluate(F.packet("eth0", "::1", "2001:db8::1")).decider.entryRule?.comment == "guard.source ipv6")
        // IPv4-mapped loopback passes the IPv6 stack; spoofguard closes that gap.
        let mapped = evaluator.evaluate(F.packet("ppp0", "::ffff:127.0.0.1", "2001:db8::1"))
        #expect(mapped.verdict == .dropped)
        #expect(mapped.decider.entryRule?.comment == "guard.source ipv6")
        // A VRF device is exempt from the ::1 check, like loopback.
        #expect(evaluator.evaluate(F.packet("vrf-red", "::1", "::1", kind: .vrf)).verdict == .accepted)
    }

    @Test func ingressChainSeesLoopbackBeforeTheIPv6Stack() throws {
        let policy = F.policy(external: .listed(F.patterns(["eth0"])), hooks: [.ingress, .prerouting])
        var evaluator = try Self.evaluator(policy)
        let evaluation = evaluator.evaluate(F.packet("eth0", "::1", "2001:db8::1"))
        #expect(evaluation.decider.entryRule?.tableFamily == .netdev)
        #expect(evaluation.decider.entryRule?.comment == "guard.source ipv6")
        // Devices the ingress chain is not bound to do not pass through it.
        #expect(evaluator.evaluate(F.packet("eth9", "::1", "2001:db8::1")).decider == .kernel(.ipv6LoopbackAddress(.source)))
    }

    @Test func ingressPrefixChainSeesEveryDeviceItStartsAndNoOther() throws {
        var evaluator = try Self.evaluator(F.policy(external: .listed(F.patterns(["wan*"])), hooks: [.ingress]))
        for device in ["wan0", "wan7"] {
            let evaluation = evaluator.evaluate(F.packet(device, "::1", "2001:db8::1"))
            #expect(evaluation.decider.entryRule?.tableFamily == .netdev, "\(device)")
            #expect(evaluation.verdict == .dropped)
        }
        #expect(evaluator.evaluate(F.packet("lan0", "::1", "2001:db8::1")).decider == .kernel(.ipv6LoopbackAddress(.source)))
    }

    @Test func bridgedFramesMeetOnlyBridgeChains() throws {
        var routedOnly = try Self.evaluator()
        let bridged = routedOnly.evaluate(F.packet("eth0", "127.0.0.1", "192.0.2.1", kind: .bridgePort))
        #expect(bridged.verdict == .accepted && bridged.decider == .nobody, "no inet chain, no martian check")
        var withBridge = try Self.evaluator(F.policy(hooks: [.prerouting, .bridge]))
        let evaluation = withBridge.evaluate(F.packet("eth0", "127.0.0.1", "192.0.2.1", kind: .bridgePort))
        #expect(evaluation.verdict == .dropped)
        #expect(evaluation.decider.entryRule?.tableFamily == .bridge)
    }

    @Test func logChainDecidesViaTheGuardRuleAndLimitIsATokenBucket() throws {
        let action = Action(verdict: .reject, counter: true, log: LogAction(prefix: "sg: ", rate: RateLimit(rate: 10, per: .minute)))
        var burst = try Self.evaluator(F.policy(action: action))
        var logged = 0
        for index in 0..<8 {
            let evaluation = burst.evaluate(F.packet("wan1", "127.0.0.\(index + 1)", "192.0.2.1"))
            #expect(evaluation.verdict == .rejected)
            guard case .rule(let rule, let via?) = evaluation.decider else {
                Issue.record("expected a rule reached through the guard rule, got \(evaluation.decider)")
                continue
            }
            #expect(rule.chain == "log_and_drop" && rule.comment == "action.verdict")
            #expect(via.comment == "guard.source ipv4")
            logged += evaluation.loggedRules.count
        }
        #expect(logged == 5, "a burst of packets at one instant: the default burst of 5 is logged")
        // 10/minute is one packet per 6 s: spaced that far apart, every packet is logged.
        var spaced = try Self.evaluator(F.policy(action: action), options: .init(packetSpacing: 6_000_000_000))
        let all = (0..<8).map { spaced.evaluate(F.packet("wan1", "127.0.0.\($0 + 1)", "192.0.2.1")).loggedRules.count }
        #expect(all == Array(repeating: 1, count: 8))
    }

    @Test func acceptEndsOnlyItsBaseChainAndPriorityOrdersChains() throws {
        // Declared out of order: the -300 chain must run first.
        let ruleset = F.inet([
            F.base("late", priority: .filter, [Rule([F.source4("10.0.0.0/8"), .verdict(.drop)], comment: "late drop")]),
            F.base("early", priority: .raw, [Rule([F.source4("10.0.0.0/8"), .counter(Counter()), .verdict(.accept)], comment: "early accept"),
                                              Rule([F.source4("11.0.0.0/8"), .verdict(.drop)], comment: "early drop")]),
        ])
        var evaluator = try Evaluator(ruleset: ruleset)
        let ten = evaluator.evaluate(F.packet("eth0", "10.1.2.3", "192.0.2.1"))
        #expect(ten.verdict == .dropped)
        #expect(ten.decider.entryRule?.comment == "late drop")
        #expect(ten.countedRules.map(\.comment) == ["early accept"])
        let eleven = evaluator.evaluate(F.packet("eth0", "11.1.2.3", "192.0.2.1"))
        #expect(eleven.decider.entryRule?.comment == "early drop")
        let accepted = evaluator.evaluate(F.packet("eth0", "12.1.2.3", "192.0.2.1"))
        #expect(accepted.verdict == .accepted && accepted.decider == .nobody)
    }

    @Test func jumpReturnsAndGotoDoesNot() throws {
        let sub = Chain(name: "sub", rules: [
            Rule([F.source4("10.0.0.0/8"), .verdict(.return)], comment: "back"),
            Rule([F.source4("11.0.0.0/8"), .verdict(.drop)], comment: "sub drop"),
        ])
        let jumping = F.inet([F.base("pre", [Rule([.verdict(.jump("sub"))], comment: "enter"),
                                             Rule([.counter(Counter()), .verdict(.accept)], comment: "after")]), sub])
        var evaluator = try Evaluator(ruleset: jumping)
        let returned = evaluator.evaluate(F.packet("eth0", "10.0.0.1", "192.0.2.1"))
        #expect(returned.verdict == .accepted)
        #expect(returned.decider.entryRule?.comment == "after")
        let fellThrough = evaluator.evaluate(F.packet("eth0", "12.0.0.1", "192.0.2.1"))
        #expect(fellThrough.countedRules.map(\.comment) == ["after"])
        let dropped = evaluator.evaluate(F.packet("eth0", "11.0.0.1", "192.0.2.1"))
        guard case .rule(let rule, let via?) = dropped.decider else {
            Issue.record("expected sub drop via enter, got \(dropped.decider)")
            return
        }
        #expect(rule.comment == "sub drop" && via.comment == "enter")

        let going = F.inet([F.base("pre", policy: .drop, [Rule([.verdict(.goto("sub"))], comment: "enter"),
                                                          Rule([.verdict(.accept)], comment: "never")]), sub])
        var gotoEvaluator = try Evaluator(ruleset: going)
        let ended = gotoEvaluator.evaluate(F.packet("eth0", "10.0.0.1", "192.0.2.1"))
        #expect(ended.verdict == .dropped)
        #expect(ended.decider == .chainPolicy(ChainReference(tableFamily: .inet, table: "t", chain: "pre")))
    }

    @Test func addressMatchImpliesItsFamilyEvenWhenNegated() throws {
        let ruleset = F.inet([F.base("pre", [
            Rule([F.source4("10.0.0.0/8", negated: true), .verdict(.drop)], comment: "not ten"),
            Rule([.match(Match(.networkFamily, .family(.ipv4), negated: true)), .verdict(.drop)], comment: "not ipv4"),
        ])])
        var evaluator = try Evaluator(ruleset: ruleset, options: .init(kernelChecks: false))
        #expect(evaluator.evaluate(F.packet("eth0", "10.0.0.1", "192.0.2.1")).verdict == .accepted)
        #expect(evaluator.evaluate(F.packet("eth0", "9.0.0.1", "192.0.2.1")).decider.entryRule?.comment == "not ten")
        // An IPv6 packet fails `ip saddr != …` (its nfproto dependency) and meets the next rule.
        #expect(evaluator.evaluate(F.packet("eth0", "2001:db8::1", "2001:db8::2")).decider.entryRule?.comment == "not ipv4")
    }

    @Test func ipFamilyTableSeesOnlyIPv4() throws {
        let ruleset = F.inet([F.base("pre", [Rule([.counter(Counter()), .verdict(.drop)], comment: "all")])], family: .ip)
        var evaluator = try Evaluator(ruleset: ruleset)
        #expect(evaluator.evaluate(F.packet("eth0", "192.0.2.1", "192.0.2.2")).verdict == .dropped)
        #expect(evaluator.evaluate(F.packet("eth0", "2001:db8::1", "2001:db8::2")).verdict == .accepted)
    }

    @Test func tcpResetAppliesToTCPOnly() throws {
        let ruleset = F.inet([F.base("pre", [Rule([F.source4("10.0.0.0/8"), .counter(Counter()), .reject(.tcpReset)], comment: "rst")])])
        var evaluator = try Evaluator(ruleset: ruleset)
        let tcp = evaluator.evaluate(F.packet("eth0", "10.0.0.1", "192.0.2.1", transport: .tcp))
        #expect(tcp.verdict == .rejected)
        let udp = evaluator.evaluate(F.packet("eth0", "10.0.0.1", "192.0.2.1"))
        #expect(udp.verdict == .accepted && udp.countedRules.isEmpty, "nft's meta l4proto tcp comes first in the rule")
    }

    @Test func interfaceWildcardsMatchAsNftDoes() throws {
        var evaluator = try Self.evaluator()
        for (name, guarded) in [("wan", true), ("wan0", true), ("wan-backup", true), ("wa", false), ("eth0", true), ("eth00", false), ("ppp0", true), ("ppp1", false)] {
            let evaluation = evaluator.evaluate(F.packet(name, "10.0.0.1", "127.0.0.1"))
            #expect((evaluation.decider.entryRule?.comment == "guard.destination ipv4") == guarded, "\(name)")
        }
    }

    @Test func dormantTablesDoNotRun() throws {
        var ruleset = F.inet([F.base("pre", [Rule([.verdict(.drop)])])])
        ruleset.tables[0].flags = .dormant
        var evaluator = try Evaluator(ruleset: ruleset)
        #expect(evaluator.evaluate(F.packet("eth0", "192.0.2.1", "192.0.2.2")).verdict == .accepted)
    }

    @Test func unreadableRulesetsAreErrorsThatNameTheRule() throws {
        let missingSet = F.inet([F.base("pre", [Rule([.match(Match(.address(.ipv4, .source), .set("nope"))), .verdict(.drop)], comment: "x")])])
        #expect(throws: EvaluatorError.self) { try Evaluator(ruleset: missingSet) }
        do {
            _ = try Evaluator(ruleset: missingSet)
        } catch {
            #expect(error.description.contains("@nope"))
            #expect(error.description.contains("\"x\""))
        }
        let loop = F.inet([F.base("pre", [Rule([.verdict(.jump("a"))])]),
                           Chain(name: "a", rules: [Rule([.verdict(.jump("b"))])]),
                           Chain(name: "b", rules: [Rule([.verdict(.goto("a"))])])])
        #expect(throws: EvaluatorError.self) { try Evaluator(ruleset: loop) }
        let toBase = F.inet([F.base("pre", [Rule([.verdict(.jump("other"))])]), F.base("other", [])])
        #expect(throws: EvaluatorError.self) { try Evaluator(ruleset: toBase) }
    }

    @Test func decideAgreesWithEvaluate() throws {
        var full = try Self.evaluator()
        var quick = try Self.evaluator()
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<500 {
            let packet = RandomPackets.packet(using: &generator)
            let evaluation = full.evaluate(packet)
            let outcome = quick.decide(packet)
            #expect(evaluation.verdict == outcome.verdict)
            #expect(evaluation.decider == quick.decider(outcome.decision))
        }
        #expect(full.counters == quick.counters)
    }

    @Test func mutationHookChangesTheCompiledProgram() throws {
        // The hook later mutation tests use: dropping the interface condition must show.
        let ruleset = Compiler.compile(F.policy())
        var mutated = try Evaluator(ruleset: ruleset, options: .init(), adjusting: { program in
            for index in program.rules.indices {
                program.rules[index].steps.removeAll { if case .interface = $0 { true } else { false } }
            }
        })
        #expect(mutated.evaluate(F.packet("lo", "127.0.0.1", "127.0.0.1")).verdict == .dropped)
        var faithful = try Evaluator(ruleset: ruleset)
        #expect(faithful.evaluate(F.packet("lo", "127.0.0.1", "127.0.0.1")).verdict == .accepted)
    }
}
