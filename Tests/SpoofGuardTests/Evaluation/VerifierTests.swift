import Testing
@testable import SpoofGuard

@Suite struct VerifierTests {
    typealias F = Fixture

    static func report(_ policy: Policy, ruleset: Ruleset? = nil) throws -> VerificationReport {
        try Verifier(ruleset: ruleset ?? Compiler.compile(policy), policy: policy).verify()
    }

    @Test func compiledDefaultPolicyIsProvedForEveryClassAndFamily() throws {
        let report = try Self.report(F.policy())
        #expect(report.holds, "\(report.text)")
        #expect(report.classes.map(\.description) == ["external eth0", "external wan* (as wan0)", "external ppp0",
                                                       "unmatched interface (as sgunmatched0)", "lo", "internal br-lan"])
        // 3 external classes × 2 families × (sources, destinations, collateral) + 3 others × 2 families.
        #expect(report.results.count == 3 * 2 * 3 + 3 * 2)
        let sources = try #require(report.results.first { $0.property == .guardedSourcesDropped && $0.family == .ipv4 })
        #expect(sources.sources == AddressCount(1 << 24))
        #expect(sources.destinations == AddressCount(1 << 32))
        #expect(report.text.hasPrefix("PROVED"))
    }

    /// Issue 14: each encapsulation a hook sees wrapped is its own dimension. With the bridge
    /// guards for PPPoE missing (their rules gone), only the PPPoE checks fail, each with a
    /// PPPoE frame that the bridge lets through; everything else stays proved.
    @Test func eachEncapsulationIsProvedOnItsOwn() throws {
        let policy = try Policy.decode(Array(#"{"version":1,"external":["eth1"],"hooks":["prerouting","bridge"]}"#.utf8), source: "test")
        let compiled = Compiler.compile(policy)
        let proved = try Self.report(policy, ruleset: compiled)
        #expect(proved.holds, "\(proved.text)")
        let dimensions = Set(proved.results.map { "\($0.path) \($0.encapsulation)" })
        #expect(dimensions == ["routed untagged", "bridged untagged", "bridged 802.1ad+802.1Q", "bridged 802.1Q+802.1Q", "bridged PPPoE", "bridged 802.1Q+PPPoE"])

        var weakened = compiled
        weakened.tables[1].chains[0].rules.removeAll { $0.comment?.hasSuffix(" PPPoE") == true && $0.comment?.contains("+") == false }
        let report = try Self.report(policy, ruleset: weakened)
        #expect(!report.holds)
        #expect(Set(report.failures.map(\.encapsulation.description)) == ["PPPoE"])
        #expect(Set(report.failures.map(\.property)) == [.guardedSourcesDropped, .guardedDestinationsDropped])
        let failure = try #require(report.failures.first { $0.property == .guardedSourcesDropped && $0.family == .ipv4 })
        let example = try #require(failure.counterexample)
        #expect(example.packet.encapsulation.pppoeSession != nil && example.packet.encapsulation.tags.isEmpty)
        #expect(example.verdict == .accepted)
        #expect(report.text.contains("FAIL external eth1 IPv4 bridged PPPoE: counterexample eth1 127.0.0.1 -> "), "\(report.text)")
        #expect(report.text.contains(" in PPPoE is accepted"), "\(report.text)")
    }

    @Test func kernelOverlapIsReportedNotRelied() throws {
        let report = try Self.report(F.policy())
        let ipv4 = try #require(report.results.first { $0.property == .guardedSourcesDropped && $0.family == .ipv4 })
        let kernel4 = try #require(ipv4.kernel)
        #expect(kernel4.dropsSome && !kernel4.dropsAll)
        // Limited broadcast goes to broadcast input before the 127/8 check.
        #expect(kernel4.gapExample?.displayText == "eth0 127.0.0.1 -> 255.255.255.255 udp/53")
        #expect(kernel4.stages.contains(.ipv4MartianSource(.loopback)))
        #expect(kernel4.typicalStage == .ipv4MartianSource(.loopback))
        let destinations4 = try #require(report.results.first { $0.property == .guardedDestinationsDropped && $0.family == .ipv4 })
        #expect(destinations4.kernel?.typicalStage == .ipv4MartianDestination(.loopback))
        #expect(destinations4.line.hasSuffix("; the kernel drops them too (ipv4 route input: martian destination 127/8)"))
        let ipv6 = try #require(report.results.first { $0.property == .guardedSourcesDropped && $0.family == .ipv6 })
        let kernel6 = try #require(ipv6.kernel)
        #expect(kernel6.dropsSome && !kernel6.dropsAll)
        #expect(kernel6.gapExample?.source == .v6(try IPv6Address(parsing: "::ffff:127.0.0.1")))
        let destinations6 = try #require(report.results.first { $0.property == .guardedDestinationsDropped && $0.family == .ipv6 })
        #expect(destinations6.kernel?.dropsAll == true, "::1 destination: ip6_rcv_core")
    }

    // Swift 6.3.1's optimizer (CopyPropagation, "Found ownership error") crashes on this function
    // under -O, which `swift test -c release` (the apply benchmark) needs: keep it unoptimized.
    @_optimize(none)
    @Test func guardWithoutLoopbackFailsWithACounterexampleIn127() throws {
        let policy = F.policy(sources: ["10.0.0.0/8", "::ffff:127.0.0.0/104"])
        let report = try Self.report(policy)
        #expect(!report.holds)
        let failure = try #require(report.failures.first { $0.property == .guardedSourcesDropped && $0.family == .ipv4 })
        let example = try #require(failure.counterexample)
        guard case .v4(let source) = example.packet.source else {
            Issue.record("IPv4 counterexample expected")
            return
        }
        #expect(KernelChecks.ipv4Loopback.contains(source))
        #expect(example.verdict == .accepted && example.decider == .nobody)
        #expect(report.failures.contains { $0.property == .guardedSourcesDropped && $0.family == .ipv6 && $0.counterexample?.packet.source == .v6(.loopback) })
        #expect(report.text.hasPrefix("FAILED"))
        #expect(report.text.contains("counterexample eth0 127.0.0.1 -> "))
    }

    /// External classes share their walks and outcomes; each must still report its own
    /// failure with a counterexample on its own interface, and kernel examples likewise.
    @Test func sharedWorkKeepsEveryClassItsOwnCounterexample() throws {
        let report = try Self.report(F.policy(sources: ["10.0.0.0/8", "::ffff:127.0.0.0/104"]))
        let external = report.classes.filter { if case .external = $0.role { true } else { false } }
        #expect(external.count == 3)
        for interfaceClass in external {
            for family in AddressFamily.allCases {
                let failure = try #require(report.failures.first {
                    $0.property == .guardedSourcesDropped && $0.interfaceClass == interfaceClass && $0.family == family
                })
                #expect(failure.counterexample?.packet.inputInterface.name == interfaceClass.name)
                #expect(failure.kernel?.gapExample.map { $0.inputInterface.name == interfaceClass.name } ?? true)
            }
            let held = report.results.filter { $0.interfaceClass == interfaceClass && $0.property == .noCollateralDamage }
            #expect(held.count == 2 && held.allSatisfy { $0.counterexample == nil })
        }
    }

    @Test func extraRuleDroppingTenIsCollateralDamage() throws {
        let policy = F.policy()
        var ruleset = Compiler.compile(policy)
        ruleset.tables[0].chains[0].rules.append(Rule([F.source4("10.0.0.0/8"), .verdict(.drop)], comment: "too much"))
        let report = try Self.report(policy, ruleset: ruleset)
        let failures = report.failures
        #expect(failures.allSatisfy { $0.property == .noCollateralDamage || $0.property == .loopbackNeverFiltered || $0.property == .internalNeverFiltered })
        let collateral = try #require(failures.first { $0.property == .noCollateralDamage })
        let example = try #require(collateral.counterexample)
        #expect(example.packet.source == .v4(IPv4Address(10, 0, 0, 1)))
        #expect(example.decider.entryRule?.comment == "too much")
        #expect(failures.contains { $0.property == .loopbackNeverFiltered }, "the rule has no interface match: lo is hit too")
    }

    @Test func guardRuleOnLoFailsLoopbackProperty() throws {
        let policy = F.policy()
        var ruleset = Compiler.compile(policy)
        let sets = ruleset.tables[0].sets
        let index = try #require(sets.firstIndex { $0.name == Compiler.Names.externalInterfaces })
        ruleset.tables[0].sets[index].elements = .interfaces(F.patterns(["eth0", "lo", "ppp0", "wan*"]))
        let report = try Self.report(policy, ruleset: ruleset)
        let failures = report.failures
        #expect(!failures.isEmpty)
        #expect(failures.allSatisfy { $0.property == .loopbackNeverFiltered && $0.interfaceClass.role == .loopback })
        let example = try #require(failures.first?.counterexample)
        #expect(example.packet.inputInterface.name == "lo")
        #expect(example.verdict == .dropped)
    }

    @Test func guardThatOmitsAnExternalInterfaceFails() throws {
        let policy = F.policy()
        var ruleset = Compiler.compile(policy)
        let index = try #require(ruleset.tables[0].sets.firstIndex { $0.name == Compiler.Names.externalInterfaces })
        ruleset.tables[0].sets[index].elements = .interfaces(F.patterns(["eth0", "ppp0"]))
        let report = try Self.report(policy, ruleset: ruleset)
        #expect(report.failures.contains { $0.interfaceClass.name == "wan0" && $0.property == .guardedSourcesDropped })
        #expect(report.failures.allSatisfy { $0.interfaceClass.name == "wan0" })
    }

    @Test func everyInterfaceExceptInternalIsCheckedThroughAnUnmatchedName() throws {
        let report = try Self.report(F.policy(external: .allExceptInternal))
        #expect(report.holds, "\(report.text)")
        #expect(report.classes.first == InterfaceClass(role: .external(nil), name: "sgunmatched0"))
    }

    @Test func bridgeHookAddsTheBridgedPath() throws {
        let report = try Self.report(F.policy(hooks: [.prerouting, .bridge]))
        #expect(report.holds, "\(report.text)")
        #expect(report.results.contains { $0.path == .bridged && $0.property == .guardedSourcesDropped })
        #expect(!report.results.contains { $0.path == .bridged && $0.interfaceClass.role == .loopback })
        // Without a bridge chain, only the routed path is a claim.
        let routedOnly = try Self.report(F.policy())
        #expect(routedOnly.results.allSatisfy { $0.path == .routed })
    }

    @Test func ingressOnlyPolicyIsProvedOnItsDevices() throws {
        let report = try Self.report(F.policy(external: .listed(F.patterns(["eth0", "eth1"])), hooks: [.ingress]))
        #expect(report.holds, "\(report.text)")
    }

    @Test func ingressPrefixPolicyIsProvedOnTheDevicesItStarts() throws {
        let report = try Self.report(F.policy(external: .listed(F.patterns(["wan*", "eth0"])), hooks: [.ingress]))
        #expect(report.holds, "\(report.text)")
    }

    @Test func guardBehindARateLimitIsNotAGuarantee() throws {
        let policy = F.policy(sources: ["127.0.0.0/8", "::1"], destinations: [])
        var ruleset = Compiler.compile(policy)
        for index in ruleset.tables[0].chains[0].rules.indices {
            ruleset.tables[0].chains[0].rules[index].statements.insert(.limit(RateLimit(rate: 1, per: .second)), at: 2)
        }
        let report = try Self.report(policy, ruleset: ruleset)
        let failure = try #require(report.failures.first { $0.property == .guardedSourcesDropped })
        #expect(failure.counterexample?.condition != nil)
        #expect(failure.counterexample?.verdict == .accepted, "replayed with the limit exceeded")
        #expect(!report.failures.contains { $0.property == .noCollateralDamage })
    }

    @Test func tcpOnlyRejectLeavesOtherTransportsThrough() throws {
        let policy = F.policy(sources: ["127.0.0.0/8", "::1"], destinations: [])
        var ruleset = Compiler.compile(policy)
        for index in ruleset.tables[0].chains[0].rules.indices {
            ruleset.tables[0].chains[0].rules[index].statements.removeLast()
            ruleset.tables[0].chains[0].rules[index].statements.append(.reject(.tcpReset))
        }
        let report = try Self.report(policy, ruleset: ruleset)
        let failure = try #require(report.failures.first { $0.property == .guardedSourcesDropped })
        #expect(failure.counterexample?.packet.transport == .udp)
    }

    @Test func counterexamplesAgreeWithTheConcreteEvaluator() throws {
        // Every failure's packet, run through the evaluator with kernel checks off, must show the
        // failure: not dropped for (a), dropped for (b) and (c).
        let policy = F.policy()
        var ruleset = Compiler.compile(policy)
        ruleset.tables[0].chains[0].rules.insert(Rule([F.source4("127.0.0.0/9"), .verdict(.accept)], comment: "hole"), at: 0)
        ruleset.tables[0].chains[0].rules.append(Rule([F.source4("192.0.2.0/24"), .verdict(.drop)], comment: "extra"))
        let report = try Self.report(policy, ruleset: ruleset)
        #expect(!report.failures.isEmpty)
        for failure in report.failures {
            let example = try #require(failure.counterexample)
            var evaluator = try Evaluator(ruleset: ruleset, options: .init(kernelChecks: false))
            let verdict = evaluator.evaluate(example.packet).verdict
            switch failure.property {
            case .guardedSourcesDropped, .guardedDestinationsDropped: #expect(verdict == .accepted)
            default: #expect(verdict.isDrop)
            }
        }
        #expect(report.failures.contains { $0.property == .guardedSourcesDropped && $0.counterexample?.packet.source == .v4(IPv4Address(127, 0, 0, 1)) })
    }
}
