import Testing
@testable import SpoofGuard

/// Random rulesets (chains, jumps, gotos, returns, negations, both families, sets and
/// prefixes, drop policies): the verifier's region walk must predict the evaluator's verdict
/// for every packet.
@Suite struct RandomRulesetTests {
    typealias F = Fixture

    static let prefixes4 = ["127.0.0.0/8", "10.0.0.0/8", "10.0.0.0/9", "0.0.0.0/1", "192.0.2.0/24", "224.0.0.0/4"]
    static let prefixes6 = ["::1/128", "::ffff:127.0.0.0/104", "2001:db8::/32", "::/1", "ff00::/8", "2002:7f00::/24"]

    static func ruleset<G: RandomNumberGenerator>(using generator: inout G) -> Ruleset {
        func pick<T>(_ items: [T]) -> T { items.randomElement(using: &generator)! }
        func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &generator) < percent }
        let sets = [
            NamedSet(name: "ifs", flags: [.interval], elements: .interfaces(F.patterns(["eth0", "wan*"]))),
            NamedSet(name: "a4", flags: [.interval], elements: .ipv4(F.v4([pick(prefixes4), pick(prefixes4)]))),
            NamedSet(name: "a6", flags: [.interval], elements: .ipv6(F.v6([pick(prefixes6), pick(prefixes6)]))),
        ]
        let regular = (0..<Int.random(in: 0...3, using: &generator)).map { "r\($0)" }
        func rules(inChain position: Int?) -> [Rule] {
            (0..<Int.random(in: 2...5, using: &generator)).map { _ in
                var statements: [Statement] = []
                for _ in 0..<Int.random(in: 0...2, using: &generator) {
                    let negated = chance(25)
                    switch Int.random(in: 0..<8, using: &generator) {
                    case 0: statements.append(.match(Match(.inputInterfaceName, .set("ifs"), negated: negated)))
                    case 1: statements.append(.match(Match(.inputInterfaceName, .interface(try! InterfacePattern(parsing: pick(["lo", "eth*", "wan0"]))), negated: negated)))
                    case 2: statements.append(.match(Match(.networkFamily, .family(pick(AddressFamily.allCases)), negated: negated)))
                    case 3, 6: statements.append(.match(Match(.address(.ipv4, pick(AddressField.allCases)), chance(50) ? .set("a4") : .prefix(try! IPPrefix(parsing: pick(prefixes4))), negated: negated)))
                    case 4, 7: statements.append(.match(Match(.address(.ipv6, pick(AddressField.allCases)), chance(50) ? .set("a6") : .prefix(try! IPPrefix(parsing: pick(prefixes6))), negated: negated)))
                    default: statements.append(.counter(Counter()))
                    }
                }
                // Jumps only forward (to a later regular chain), so there is never a loop.
                let targets = regular.indices.filter { $0 > (position ?? -1) }.map { regular[$0] }
                var verdicts: [Statement] = [.verdict(.accept), .verdict(.drop), .verdict(.drop), .verdict(.continue), .reject(.portUnreachable)]
                if position != nil { verdicts.append(.verdict(.return)) }
                for target in targets { verdicts += [.verdict(.jump(target)), .verdict(.goto(target))] }
                if chance(85) { statements.append(pick(verdicts)) }
                return Rule(statements)
            }
        }
        var chains = (0..<Int.random(in: 1...2, using: &generator)).map { index in
            Chain(name: "b\(index)", base: BaseChain(hook: .prerouting, priority: Priority(rawValue: Int32.random(in: -300...100, using: &generator)),
                                                    policy: chance(20) ? .drop : .accept), rules: rules(inChain: nil))
        }
        chains += regular.indices.map { Chain(name: regular[$0], rules: rules(inChain: $0)) }
        let family: TableFamily = pick([.inet, .inet, .ip, .ip6])
        let usable = sets.filter { set in
            switch (family, set.key) {
            case (.ip, .ipv6Address), (.ip6, .ipv4Address): false
            default: true
            }
        }
        // An ip or ip6 table cannot hold matches of the other family: drop those rules' matches.
        let cleaned = chains.map { chain in
            var chain = chain
            chain.rules = chain.rules.map { rule in
                Rule(rule.statements.filter { statement in
                    guard case .match(let match) = statement else { return true }
                    switch (family, match.subject) {
                    case (.ip, .address(.ipv6, _)), (.ip6, .address(.ipv4, _)), (.ip, .networkFamily), (.ip6, .networkFamily): return false
                    default: return true
                    }
                })
            }
            return chain
        }
        return Ruleset(tables: [Table(family: family, name: "t", sets: usable, chains: cleaned)])
    }

    @Test(arguments: 0..<100)
    func regionWalkPredictsEveryVerdict(seed: Int) throws {
        var generator = SeededGenerator(seed: UInt64(seed) &* 7919 &+ 1)
        let ruleset = Self.ruleset(using: &generator)
        let program = try Program(ruleset)
        var evaluator = try Evaluator(ruleset: ruleset, options: .init(kernelChecks: false))
        let scenario = WalkScenario(isTCP: false, limitsWithinRate: [])
        var regions4: [String: Region<IPv4Address>] = [:]
        var regions6: [String: Region<IPv6Address>] = [:]
        for _ in 0..<300 {
            var packet = RandomPackets.packet(using: &generator, interfaces: ["eth0", "eth1", "wan0", "lo"])
            packet.transport = .udp
            let name = packet.inputInterface.name
            let predicted: Bool
            switch (packet.source, packet.destination) {
            case let (.v4(source), .v4(destination)):
                let region = regions4[name] ?? SymbolicWalk<IPv4Address>(program: program, interfaceName: name, scenario: scenario).dropped(on: .routed)
                regions4[name] = region
                predicted = region.contains(source: source, destination: destination)
            case let (.v6(source), .v6(destination)):
                let region = regions6[name] ?? SymbolicWalk<IPv6Address>(program: program, interfaceName: name, scenario: scenario).dropped(on: .routed)
                regions6[name] = region
                predicted = region.contains(source: source, destination: destination)
            default:
                preconditionFailure()
            }
            let evaluation = evaluator.evaluate(packet)
            #expect(predicted == evaluation.verdict.isDrop, "seed \(seed): \(packet.displayText) → \(evaluation.verdict) by \(evaluation.decider)")
        }
    }
}
