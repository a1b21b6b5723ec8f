import Testing
@testable import SpoofGuard

/// The verifier's region walk against the concrete evaluator, packet by packet: two
/// implementations of one semantics must agree everywhere.
@Suite struct SymbolicWalkTests {
    typealias F = Fixture

    /// Jumps, gotos, returns, accepts, negations, both families, sets and prefixes, a drop
    /// policy, a second base chain, an ingress chain and a bridge chain.
    static var tangledRuleset: Ruleset {
        let sets = [
            NamedSet(name: "ext", flags: [.interval], elements: .interfaces(F.patterns(["eth0", "wan*"]))),
            NamedSet(name: "s4", flags: [.interval], elements: .ipv4(F.v4(["127.0.0.0/8", "10.0.0.0/8"]))),
            NamedSet(name: "d6", flags: [.interval], elements: .ipv6(F.v6(["::1", "2001:db8::/32"]))),
        ]
        let inet = Table(family: .inet, name: "t", sets: sets, chains: [
            Chain(name: "pre", base: BaseChain(hook: .prerouting, priority: .raw), rules: [
                Rule([.match(Match(.inputInterfaceName, .set("ext"), negated: true)), .verdict(.accept)], comment: "internal"),
                Rule([.match(Match(.address(.ipv4, .source), .set("s4"))), .counter(Counter()), .verdict(.jump("v4"))]),
                Rule([.match(Match(.address(.ipv6, .destination), .set("d6"))), .verdict(.goto("v6"))]),
                Rule([.match(Match(.address(.ipv6, .source), .prefix(try! IPPrefix(parsing: "::ffff:0:0/96")))), .verdict(.drop)]),
            ]),
            Chain(name: "v4", rules: [
                Rule([F.source4("10.0.0.0/9"), .verdict(.return)]),
                Rule([.match(Match(.address(.ipv4, .destination), .prefix(try! IPPrefix(parsing: "192.0.2.0/24")), negated: true)), .verdict(.drop)]),
            ]),
            Chain(name: "v6", rules: [
                Rule([.match(Match(.address(.ipv6, .source), .prefix(try! IPPrefix(parsing: "2001:db8::/33")))), .verdict(.return)]),
                Rule([.match(Match(.networkFamily, .family(.ipv6))), .reject(.portUnreachable)]),
            ]),
            Chain(name: "late", base: BaseChain(hook: .prerouting, priority: .filter, policy: .drop), rules: [
                Rule([.match(Match(.address(.ipv4, .destination), .prefix(try! IPPrefix(parsing: "0.0.0.0/1")))), .verdict(.accept)]),
                Rule([.match(Match(.address(.ipv6, .destination), .prefix(try! IPPrefix(parsing: "::/1")))), .verdict(.accept)]),
                Rule([.match(Match(.inputInterfaceName, .interface(try! InterfacePattern(parsing: "lo")))), .verdict(.accept)]),
            ]),
        ])
        let netdev = Table(family: .netdev, name: "t", sets: [], chains: [
            Chain(name: "in", base: BaseChain(hook: .ingress, priority: .filter, devices: ["eth0"]), rules: [
                Rule([.match(Match(.address(.ipv6, .source), .prefix(try! IPPrefix(parsing: "::1")))), .verdict(.drop)]),
            ]),
        ])
        let bridge = Table(family: .bridge, name: "t", sets: [], chains: [
            Chain(name: "br", base: BaseChain(hook: .prerouting, priority: .bridgeDstnat), rules: [
                Rule([F.source4("127.0.0.0/8"), .verdict(.drop)]),
            ]),
        ])
        return Ruleset(tables: [inet, netdev, bridge])
    }

    @Test func regionWalkAgreesWithTheEvaluatorOnRandomPackets() throws {
        let ruleset = Self.tangledRuleset
        let program = try Program(ruleset)
        var evaluator = try Evaluator(ruleset: ruleset, options: .init(kernelChecks: false))
        let scenario = WalkScenario(isTCP: false, limitsWithinRate: [])
        var walks4: [String: Region<IPv4Address>] = [:]
        var walks6: [String: Region<IPv6Address>] = [:]
        var generator = SeededGenerator(seed: 2024)
        var drops = 0
        for _ in 0..<6000 {
            var packet = RandomPackets.packet(using: &generator, interfaces: ["eth0", "wan0", "eth1", "lo"], bridgePorts: true)
            packet.transport = .udp
            let path: ReceivePath = packet.inputInterface.kind == .bridgePort ? .bridged : .routed
            let key = "\(packet.inputInterface.name) \(path)"
            let predicted: Bool
            switch (packet.source, packet.destination) {
            case let (.v4(source), .v4(destination)):
                if walks4[key] == nil {
                    walks4[key] = SymbolicWalk<IPv4Address>(program: program, interfaceName: packet.inputInterface.name, scenario: scenario).dropped(on: path)
                }
                predicted = walks4[key]!.contains(source: source, destination: destination)
            case let (.v6(source), .v6(destination)):
                if walks6[key] == nil {
                    walks6[key] = SymbolicWalk<IPv6Address>(program: program, interfaceName: packet.inputInterface.name, scenario: scenario).dropped(on: path)
                }
                predicted = walks6[key]!.contains(source: source, destination: destination)
            default:
                preconditionFailure()
            }
            let actual = evaluator.evaluate(packet).verdict.isDrop
            #expect(predicted == actual, "\(packet.displayText) \(path)")
            if actual { drops += 1 }
        }
        #expect(drops > 500 && drops < 5500, "the mix must exercise both outcomes")
    }

    @Test func kernelRegionAgreesWithTheConcreteChecks() {
        let region4 = KernelRegion.dropped(IPv4Address.self).region
        let region6 = KernelRegion.dropped(IPv6Address.self).region
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<20000 {
            let source = RandomPackets.ipv4(using: &generator), destination = RandomPackets.ipv4(using: &generator)
            let concrete = KernelChecks.ipv4RouteInput(source: source, destination: destination, kind: .ordinary, routeLocalnet: false) != nil
            #expect(region4.contains(source: source, destination: destination) == concrete, "\(source) -> \(destination)")
            let source6 = RandomPackets.ipv6(using: &generator), destination6 = RandomPackets.ipv6(using: &generator)
            let concrete6 = KernelChecks.ipv6Core(source: source6, destination: destination6, kind: .ordinary) != nil
            #expect(region6.contains(source: source6, destination: destination6) == concrete6, "\(source6) -> \(destination6)")
        }
        #expect(region4.contains(source: IPv4Address(0, 0, 0, 0), destination: IPv4Address(0, 0, 0, 0)) == false)
        #expect(region4.contains(source: IPv4Address(0, 0, 0, 0), destination: IPv4Address(0, 0, 0, 1)))
    }

    @Test func regionOperationsMatchPointMembership() {
        var generator = SeededGenerator(seed: 5)
        func randomSet() -> IPv4Set {
            IPv4Set(ranges: (0..<Int.random(in: 1...3, using: &generator)).map { _ in
                let a = UInt32.random(in: 0...255, using: &generator), b = UInt32.random(in: 0...255, using: &generator)
                return min(a, b)...max(a, b)
            })
        }
        func randomRegion() -> Region<IPv4Address> {
            (0..<3).reduce(Region<IPv4Address>.empty) { region, _ in region.union(Region(source: randomSet(), destination: randomSet())) }
        }
        for _ in 0..<200 {
            let a = randomRegion(), b = randomRegion()
            let union = a.union(b), intersection = a.intersection(b), difference = a.subtracting(b)
            for _ in 0..<50 {
                let s = IPv4Address(bits: UInt32.random(in: 0...260, using: &generator))
                let d = IPv4Address(bits: UInt32.random(in: 0...260, using: &generator))
                let inA = a.contains(source: s, destination: d), inB = b.contains(source: s, destination: d)
                #expect(union.contains(source: s, destination: d) == (inA || inB))
                #expect(intersection.contains(source: s, destination: d) == (inA && inB))
                #expect(difference.contains(source: s, destination: d) == (inA && !inB))
            }
            // Boxes stay disjoint: no pair is in two boxes of a union.
            #expect(union.boxes.indices.allSatisfy { i in union.boxes.indices.allSatisfy { j in
                i == j || union.boxes[i].source.intersection(union.boxes[j].source).isEmpty
                    || union.boxes[i].destination.intersection(union.boxes[j].destination).isEmpty } })
        }
    }
}

@Suite struct SymbolicChainSemanticsTests {
    typealias F = Fixture

    static func dropped(_ ruleset: Ruleset, _ source: String) throws -> (symbolic: Bool, concrete: Bool) {
        let program = try Program(ruleset)
        let region = SymbolicWalk<IPv4Address>(program: program, interfaceName: "eth0",
                                               scenario: WalkScenario(isTCP: false, limitsWithinRate: [])).dropped(on: .routed)
        var evaluator = try Evaluator(ruleset: ruleset, options: .init(kernelChecks: false))
        let packet = F.packet("eth0", source, "192.0.2.1")
        guard case .v4(let address) = packet.source, case .v4(let destination) = packet.destination else { preconditionFailure() }
        return (region.contains(source: address, destination: destination), evaluator.evaluate(packet).verdict.isDrop)
    }

    @Test func gotoReturnsToTheCallersCaller() throws {
        let ruleset = F.inet([F.base("pre", [Rule([.verdict(.goto("sub"))]), Rule([.verdict(.drop)])]),
                              Chain(name: "sub", rules: [Rule([F.source4("10.0.0.0/8"), .verdict(.drop)])])])
        #expect(try Self.dropped(ruleset, "10.0.0.1") == (true, true))
        #expect(try Self.dropped(ruleset, "11.0.0.1") == (false, false), "back from goto, the base chain ends")
    }

    @Test func jumpReturnsToTheNextRule() throws {
        let ruleset = F.inet([F.base("pre", [Rule([.verdict(.jump("sub"))]), Rule([F.source4("11.0.0.0/8"), .verdict(.drop)])]),
                              Chain(name: "sub", rules: [Rule([F.source4("10.0.0.0/8"), .verdict(.drop)])])])
        #expect(try Self.dropped(ruleset, "11.0.0.1") == (true, true))
        #expect(try Self.dropped(ruleset, "12.0.0.1") == (false, false))
    }

    @Test func dropPolicyTakesWhatFallsThrough() throws {
        let ruleset = F.inet([F.base("pre", policy: .drop, [Rule([F.source4("10.0.0.0/8"), .verdict(.accept)])])])
        #expect(try Self.dropped(ruleset, "10.0.0.1") == (false, false))
        #expect(try Self.dropped(ruleset, "11.0.0.1") == (true, true))
    }
}
