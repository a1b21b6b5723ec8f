import Testing
@testable import SpoofGuard

/// The classifier specialised for one input interface against `Evaluator.decide`, packet by
/// packet: example policies, generated policies and random rulesets, on every kind of
/// interface, with and without the kernel's checks.
@Suite struct FixedInterfaceClassifierTests {
    typealias F = Fixture

    /// Packets on `interface` whose addresses hit every class, both sides of every cell
    /// boundary, every pair of class representatives, and the random pools (loopback in its
    /// IPv6 disguises, martians, multicast, documentation, anything).
    static func probes(_ classifier: FixedInterfaceClassifier, interface: InputInterface, seed: UInt64) -> [Packet] {
        var generator = SeededGenerator(seed: seed)
        func edges<Bits: FixedWidthInteger>(_ classes: AddressClasses<Bits>) -> [Bits] {
            classes.starts.flatMap { $0 == 0 ? [0] : [$0, $0 - 1] } + [Bits.max]
        }
        var packets: [Packet] = []
        func add(_ source: IPAddress, _ destination: IPAddress) {
            for transport in [TransportProtocol.tcp, .udp, .icmp] {
                packets.append(Packet(inputInterface: interface, source: source, destination: destination, transport: transport))
            }
        }
        let sources4 = edges(classifier.source4), destinations4 = edges(classifier.destination4)
        let sources6 = edges(classifier.source6), destinations6 = edges(classifier.destination6)
        for source in sources4 {
            for destination in destinations4.count * sources4.count <= 4096 ? destinations4 : Array(destinations4.prefix(8)) {
                add(.v4(IPv4Address(bits: source)), .v4(IPv4Address(bits: destination)))
            }
            add(.v4(IPv4Address(bits: source)), .v4(RandomPackets.ipv4(using: &generator)))
        }
        for destination in destinations4 { add(.v4(RandomPackets.ipv4(using: &generator)), .v4(IPv4Address(bits: destination))) }
        for source in sources6 {
            for destination in destinations6.count * sources6.count <= 4096 ? destinations6 : Array(destinations6.prefix(8)) {
                add(.v6(IPv6Address(bits: source)), .v6(IPv6Address(bits: destination)))
            }
            add(.v6(IPv6Address(bits: source)), .v6(RandomPackets.ipv6(using: &generator)))
        }
        for destination in destinations6 { add(.v6(RandomPackets.ipv6(using: &generator)), .v6(IPv6Address(bits: destination))) }
        // One address under every top byte, both fields (the classifier's first lookup).
        for top in 0..<256 {
            let v4 = IPv4Address(bits: UInt32(top) << 24 | 0x0001_0203), v6 = IPv6Address(bits: UInt128(top) << 120 | 0x0102_0304)
            add(.v4(v4), .v4(RandomPackets.ipv4(using: &generator)))
            add(.v4(RandomPackets.ipv4(using: &generator)), .v4(v4))
            add(.v6(v6), .v6(RandomPackets.ipv6(using: &generator)))
            add(.v6(RandomPackets.ipv6(using: &generator)), .v6(v6))
        }
        for _ in 0..<1500 {
            var packet = RandomPackets.packet(using: &generator, interfaces: [interface.name])
            packet.inputInterface = interface
            packet.routeLocalnet = false
            packets.append(packet)
        }
        return packets
    }

    /// The first probe on which the classifier and the evaluator disagree, if any.
    static func disagreement(_ classifier: FixedInterfaceClassifier, _ evaluator: Evaluator,
                             interface: InputInterface, seed: UInt64 = 1) -> String? {
        var evaluator = evaluator
        for packet in probes(classifier, interface: interface, seed: seed) {
            let expected = evaluator.decide(packet)
            let got = classifier.outcome(PacketFields(packet))
            if got != expected {
                return "\(packet.displayText) (\(packet.transport.map(String.init(describing:)) ?? "-")): classifier \(got), evaluator \(expected)"
            }
        }
        return nil
    }

    static let interfaces = RandomPackets.interfaces.map { InputInterface(name: $0) } + [InputInterface(name: "vrf-blue", kind: .vrf)]

    static func checkAgreement(_ ruleset: Ruleset, label: String) throws {
        for kernelChecks in [true, false] {
            let evaluator = try Evaluator(ruleset: ruleset, options: .init(kernelChecks: kernelChecks))
            for (index, interface) in interfaces.enumerated() {
                let classifier = try #require(FixedInterfaceClassifier(evaluator: evaluator, interface: interface), "\(label)")
                let problem = disagreement(classifier, evaluator, interface: interface, seed: UInt64(index) &+ 17)
                #expect(problem == nil, "\(label) on \(interface.name), kernel checks \(kernelChecks): \(problem ?? "")")
            }
        }
    }

    @Test(arguments: ["router", "host-default", "bridge", "ingress", "strict"])
    func examplePoliciesAgree(_ name: String) throws {
        try Self.checkAgreement(Compiler.compile(try ExamplePolicyEvaluationTests.example(name)), label: name)
    }

    @Test(arguments: EvaluatorPropertyTests.policies.indices)
    func generatedPoliciesAgree(_ index: Int) throws {
        try Self.checkAgreement(Compiler.compile(EvaluatorPropertyTests.policies[index]), label: "policy \(index)")
    }

    /// Random rulesets (jumps, gotos, returns, negations, sets, drop policies), some with a
    /// `reject with tcp reset` rule, so that the transport becomes part of the key, and a
    /// `limit … log` rule that cannot change an outcome.
    @Test(arguments: 0..<40)
    func randomRulesetsAgree(seed: Int) throws {
        var generator = SeededGenerator(seed: UInt64(seed) &* 104_729 &+ 3)
        var ruleset = RandomRulesetTests.ruleset(using: &generator)
        if seed % 2 == 0 {
            ruleset.tables[0].chains[0].rules.insert(Rule([.match(Match(.inputInterfaceName, .set("ifs"))), .reject(.tcpReset)]), at: 0)
        }
        if seed % 3 == 0 {
            ruleset.tables[0].chains[0].rules.insert(Rule([.limit(RateLimit(rate: 1, per: .minute, burst: 1)), .log(Log(prefix: "x")),
                                                         .verdict(.continue)]), at: 0)
        }
        try Self.checkAgreement(ruleset, label: "seed \(seed)")
    }

    @Test func manyPrefixesStayFewClasses() throws {
        let sources = F.defaultSources + (0..<2000).map { "11.\($0 / 128).\($0 % 128 * 2).0/24" } + (0..<300).map { "2001:db8:\($0)::/48" }
        let evaluator = try Evaluator(ruleset: Compiler.compile(F.policy(sources: sources)))
        let wan = InputInterface(name: "wan0")
        let classifier = try #require(FixedInterfaceClassifier(evaluator: evaluator, interface: wan))
        #expect(classifier.source4.classCount <= 8, "prefixes of one set share a class")
        #expect(classifier.source4.starts.count > 2000, "non-adjacent prefixes stay separate cells")
        #expect(Self.disagreement(classifier, evaluator, interface: wan) == nil)
    }

    // MARK: - The checks above catch a wrong classifier

    static func router() throws -> (Evaluator, FixedInterfaceClassifier, InputInterface) {
        let evaluator = try Evaluator(ruleset: Compiler.compile(try ExamplePolicyEvaluationTests.example("router")))
        let wan = InputInterface(name: "wan0")
        return (evaluator, try #require(FixedInterfaceClassifier(evaluator: evaluator, interface: wan)), wan)
    }

    @Test func aWrongTableEntryIsCaught() throws {
        let (evaluator, classifier, wan) = try Self.router()
        #expect(classifier.outcomes.count > 1)
        for entry in [0, classifier.table4.count - 1] {
            var mutated = classifier
            mutated.table4[entry] = (mutated.table4[entry] + 1) % UInt16(classifier.outcomes.count)
            #expect(Self.disagreement(mutated, evaluator, interface: wan) != nil, "table4[\(entry)]")
        }
        var mutated = classifier
        mutated.table6[mutated.table6.count / 2] = (mutated.table6[mutated.table6.count / 2] + 1) % UInt16(classifier.outcomes.count)
        #expect(Self.disagreement(mutated, evaluator, interface: wan) != nil)
    }

    @Test func aMisplacedBoundaryIsCaught() throws {
        let (evaluator, classifier, wan) = try Self.router()
        let loopback = try #require(classifier.source4.starts.firstIndex(of: 0x7f00_0000))
        var shifted = classifier
        shifted.source4.starts[loopback] += 1
        shifted.source4.indexTopBytes()
        #expect(Self.disagreement(shifted, evaluator, interface: wan) != nil, "127.0.0.0 falls outside its cell")
        var early = classifier
        early.source4.starts[loopback] -= 1
        early.source4.indexTopBytes()
        #expect(Self.disagreement(early, evaluator, interface: wan) != nil, "126.255.255.255 falls inside")
        var forgotten = classifier
        forgotten.source4.starts.remove(at: loopback)
        forgotten.source4.classes.remove(at: loopback)
        forgotten.source4.indexTopBytes()
        #expect(Self.disagreement(forgotten, evaluator, interface: wan) != nil, "127/8 merged into its neighbour")
        let mapped = try #require(classifier.source6.starts.firstIndex(of: 0xffff_7f00_0000))
        var forgotten6 = classifier
        forgotten6.source6.starts.remove(at: mapped)
        forgotten6.source6.classes.remove(at: mapped)
        forgotten6.source6.indexTopBytes()
        #expect(Self.disagreement(forgotten6, evaluator, interface: wan) != nil, "::ffff:127.0.0.0/104 merged into its neighbour")
    }

    @Test func aWrongTopByteEntryIsCaught() throws {
        let (evaluator, classifier, wan) = try Self.router()
        for top in [10, 127, 200] {
            let right = classifier.source4.byTopByte[top]
            #expect(right >= 0, "\(top)/8 is one class in the router policy")
            var wrong = classifier
            wrong.source4.byTopByte[top] = Int32((Int(right) + 1) % classifier.source4.classCount)
            #expect(Self.disagreement(wrong, evaluator, interface: wan) != nil, "source \(top)/8")
            var blurred = classifier
            blurred.destination4.byTopByte[top] = Int32((Int(classifier.destination4.byTopByte[top]) + 1) % classifier.destination4.classCount)
            #expect(Self.disagreement(blurred, evaluator, interface: wan) != nil, "destination \(top)/8")
        }
        let v6 = try #require(classifier.source6.byTopByte.firstIndex { $0 >= 0 })
        var wrong = classifier
        wrong.source6.byTopByte[v6] = Int32((Int(classifier.source6.byTopByte[v6]) + 1) % classifier.source6.classCount)
        #expect(Self.disagreement(wrong, evaluator, interface: wan) != nil, "source6 top byte \(v6)")
    }

    @Test func ignoringTheTransportIsCaught() throws {
        let ruleset = Ruleset(tables: [Table(family: .inet, name: "t", chains: [
            Chain(name: "pre", base: BaseChain(hook: .prerouting, priority: Priority(rawValue: -300), policy: .accept),
                  rules: [Rule([.reject(.tcpReset)])]),
        ])])
        let evaluator = try Evaluator(ruleset: ruleset)
        let wan = InputInterface(name: "wan0")
        let classifier = try #require(FixedInterfaceClassifier(evaluator: evaluator, interface: wan))
        #expect(classifier.readsTransport)
        #expect(Self.disagreement(classifier, evaluator, interface: wan) == nil)
        var blind = classifier
        blind.readsTransport = false
        #expect(Self.disagreement(blind, evaluator, interface: wan) != nil)
    }

    @Test func aClassifierForAnotherInterfaceIsCaught() throws {
        let (evaluator, _, wan) = try Self.router()
        let lan = try #require(FixedInterfaceClassifier(evaluator: evaluator, interface: InputInterface(name: "br-lan")))
        #expect(Self.disagreement(lan, evaluator, interface: wan) != nil)
    }

    // MARK: - Limits that decide fall back to the evaluator

    static func limitedDrop(_ statements: [Statement]) -> Ruleset {
        Ruleset(tables: [Table(family: .inet, name: "t", chains: [
            Chain(name: "pre", base: BaseChain(hook: .prerouting, priority: Priority(rawValue: -300), policy: .accept),
                  rules: [Rule(statements)]),
        ])])
    }

    @Test func aLimitThatDecidesIsNotSpecialised() throws {
        let limit = Statement.limit(RateLimit(rate: 1, per: .minute, burst: 3))
        let wan = InputInterface(name: "wan0")
        for statements: [Statement] in [[limit, .verdict(.drop)], [limit, .counter(Counter()), .reject(.portUnreachable)],
                                        [limit, .log(Log()), .verdict(.accept)]] {
            let evaluator = try Evaluator(ruleset: Self.limitedDrop(statements))
            #expect(FixedInterfaceClassifier(evaluator: evaluator, interface: wan) == nil, "\(statements)")
        }
        for statements: [Statement] in [[limit, .log(Log())], [.verdict(.continue)], [limit, .counter(Counter()), .verdict(.continue)]] {
            let evaluator = try Evaluator(ruleset: Self.limitedDrop(statements))
            #expect(FixedInterfaceClassifier(evaluator: evaluator, interface: wan) != nil, "\(statements)")
        }
    }
}
