/// A Ruleset resolved once into the form that both the evaluator and the verifier walk, so
/// that the two share one reading of nftables semantics:
/// - set names become indices into tables of interval sets and interface-pattern lists;
/// - chain names become chain indices (a jump to a missing or base chain, or a loop, is an
///   error here, as the kernel refuses them too);
/// - base chains are grouped by receive-path stage and sorted by priority (ties keep the
///   ruleset's order, as the kernel runs equal priorities in registration order);
/// - the protocol dependency that nft puts before an address match (`meta nfproto ipv4`
///   before `ip saddr` in an inet table) is part of the address step: a packet of the other
///   family fails the step whether the match is negated or not;
/// - `reject with tcp reset` carries nft's `meta l4proto tcp` dependency at rule start.
struct Program: Sendable {
    /// Plain bytes (indices, no arrays): the evaluator copies a step per statement it runs.
    enum Step: Hashable, Sendable, BitwiseCopyable {
        /// `iifname` against `interfaceTests[test]`.
        case interface(test: Int, negated: Bool)
        /// `meta nfproto` (or `meta protocol` outside inet): the packet's protocol family.
        case family(AddressFamily, negated: Bool)
        case ipv4(AddressField, set: Int, negated: Bool)
        case ipv6(AddressField, set: Int, negated: Bool)
        /// A raw link-layer load (`@ll,OFFSET,LENGTH`, bytes here) compared with
        /// `linkValues[value]`: an index, so that a step stays plain bytes to copy.
        case linkBytes(offset: Int, value: Int, negated: Bool)
        /// A raw link-layer load of an address's length looked up in an address set.
        case linkLookup(offset: Int, family: AddressFamily, set: Int, negated: Bool)
        /// The `meta l4proto tcp` dependency of a TCP reset.
        case transportIsTCP
        case counter
        case limit(Int)
        case log
        case reject
        case verdict(Verdict)
    }

    enum Verdict: Hashable, Sendable {
        case accept, drop, `continue`, `return`
        case jump(Int)
        case goto(Int)
    }

    struct CompiledRule: Sendable {
        var reference: RuleReference
        var steps: [Step]
        var hasCounter: Bool
    }

    struct CompiledChain: Sendable {
        var reference: ChainReference
        var base: BaseChain?
        /// Global rule indices, in order.
        var rules: [Int]
        /// Which packet families the chain sees (an `ip` table sees IPv4 only).
        var families: Set<AddressFamily>
        /// For ingress chains: the interface test of the devices the chain is bound to.
        var deviceTest: Int?
    }

    var rules: [CompiledRule] = []
    var chains: [CompiledChain] = []
    var ipv4Sets: [IPv4Set] = []
    var ipv6Sets: [IPv6Set] = []
    /// The values `linkBytes` steps compare a load with.
    var linkValues: [[UInt8]] = []
    var interfaceTests: [[InterfacePattern]] = []
    var limits: [RateLimit] = []
    /// Receive-path stages: base-chain indices in the order the kernel runs them.
    var ingressChains: [Int] = []
    var preroutingChains: [Int] = []
    var bridgeChains: [Int] = []
    /// Base chains on hooks after the routing decision (input, forward, …), which the
    /// receive-path model does not reach; reported so that nobody mistakes them for checked.
    var unmodeledChains: [ChainReference] = []

    init(_ ruleset: Ruleset) throws(EvaluatorError) {
        for table in ruleset.tables where !table.flags.contains(.dormant) && table.family != .arp {
            try add(table)
        }
        ingressChains = sortedByPriority(ingressChains)
        preroutingChains = sortedByPriority(preroutingChains)
        bridgeChains = sortedByPriority(bridgeChains)
        try checkForLoops()
    }

    private func sortedByPriority(_ indices: [Int]) -> [Int] {
        indices.enumerated().sorted { a, b in
            let pa = chains[a.element].base!.priority, pb = chains[b.element].base!.priority
            return pa != pb ? pa < pb : a.offset < b.offset
        }.map(\.element)
    }

    private mutating func add(_ table: Table) throws(EvaluatorError) {
        let families: Set<AddressFamily> = switch table.family {
        case .ip: [.ipv4]
        case .ip6: [.ipv6]
        default: [.ipv4, .ipv6]
        }
        let firstChain = chains.count
        var chainIndex: [String: Int] = [:]
        for (offset, chain) in table.chains.enumerated() {
            chainIndex[chain.name] = firstChain + offset
            chains.append(CompiledChain(
                reference: ChainReference(tableFamily: table.family, table: table.name, chain: chain.name),
                base: chain.base, rules: [], families: families, deviceTest: nil))
        }
        var setIndex: [String: (key: SetKey, index: Int)] = [:]
        for set in table.sets {
            switch set.elements {
            case .ipv4(let elements):
                setIndex[set.name] = (.ipv4Address, ipv4Sets.count)
                ipv4Sets.append(elements)
            case .ipv6(let elements):
                setIndex[set.name] = (.ipv6Address, ipv6Sets.count)
                ipv6Sets.append(elements)
            case .interfaces(let patterns):
                setIndex[set.name] = (.interfaceName, try interfaceTest(patterns))
            }
        }

        for (offset, chain) in table.chains.enumerated() {
            let index = firstChain + offset
            for (position, rule) in chain.rules.enumerated() {
                let reference = RuleReference(
                    tableFamily: table.family, table: table.name, chain: chain.name, index: position,
                    comment: rule.comment, nftText: NftRuleText.render(rule, family: table.family, form: .summary), handle: rule.handle)
                let steps = try compile(rule, reference: reference, table: table, sets: setIndex, chains: chainIndex)
                chains[index].rules.append(rules.count)
                rules.append(CompiledRule(reference: reference, steps: steps, hasCounter: rule.counter != nil))
            }
            guard let base = chain.base else { continue }
            switch (table.family, base.hook) {
            case (.netdev, .ingress), (.inet, .ingress):
                chains[index].deviceTest = try interfaceTest(base.devices.compactMap { try? InterfacePattern(parsing: $0) })
                ingressChains.append(index)
            case (.inet, .prerouting), (.ip, .prerouting), (.ip6, .prerouting):
                preroutingChains.append(index)
            case (.bridge, .prerouting):
                bridgeChains.append(index)
            default:
                unmodeledChains.append(chains[index].reference)
            }
        }
    }

    private mutating func interfaceTest(_ patterns: [InterfacePattern]) throws(EvaluatorError) -> Int {
        if let existing = interfaceTests.firstIndex(of: patterns) { return existing }
        guard interfaceTests.count < InterfaceFacts.maximumTests else {
            throw EvaluatorError(rule: nil, reason: "uses more than \(InterfaceFacts.maximumTests) distinct interface sets and names, more than the evaluator models")
        }
        interfaceTests.append(patterns)
        return interfaceTests.count - 1
    }

    private mutating func compile(
        _ rule: Rule, reference: RuleReference, table: Table,
        sets: [String: (key: SetKey, index: Int)], chains chainIndex: [String: Int]
    ) throws(EvaluatorError) -> [Step] {
        func fail(_ reason: String) -> EvaluatorError { EvaluatorError(rule: reference, reason: reason) }
        var steps: [Step] = []
        if rule.statements.contains(.reject(.tcpReset)) { steps.append(.transportIsTCP) }
        for statement in rule.statements {
            switch statement {
            case .match(let match):
                steps.append(try step(match, table: table, sets: sets, fail: fail))
            case .counter: steps.append(.counter)
            case .limit(let limit):
                steps.append(.limit(limits.count))
                limits.append(limit)
            case .log: steps.append(.log)
            case .reject: steps.append(.reject)
            case .verdict(let verdict):
                switch verdict {
                case .accept: steps.append(.verdict(.accept))
                case .drop: steps.append(.verdict(.drop))
                case .continue: steps.append(.verdict(.continue))
                case .return: steps.append(.verdict(.return))
                case .jump(let name), .goto(let name):
                    guard let target = chainIndex[name] else {
                        throw fail("jumps to chain \"\(name)\", which table \(table.name) does not have")
                    }
                    guard self.chains[target].base == nil else {
                        throw fail("jumps to base chain \"\(name)\"; the kernel allows jumps to regular chains only")
                    }
                    if case .jump = verdict { steps.append(.verdict(.jump(target))) } else { steps.append(.verdict(.goto(target))) }
                }
            }
        }
        return steps
    }

    private mutating func step(
        _ match: Match, table: Table, sets: [String: (key: SetKey, index: Int)],
        fail: (String) -> EvaluatorError
    ) throws(EvaluatorError) -> Step {
        let unreadable = fail("has a match the evaluator cannot read: \(match.nftText())")
        switch match.subject {
        case .inputInterfaceName:
            switch match.value {
            case .set(let name):
                guard let set = sets[name], set.key == .interfaceName else {
                    throw fail("matches iifname against @\(name), which is not an interface set of table \(table.name)")
                }
                return .interface(test: set.index, negated: match.isNegated)
            case .interface(let pattern):
                return .interface(test: try interfaceTest([pattern]), negated: match.isNegated)
            case .prefix, .family, .bytes:
                throw unreadable
            }
        case .payload(let load):
            guard load.base == .link else { throw unreadable }
            switch match.value {
            case .bytes(let data):
                guard data.count == Int(load.length) else { throw unreadable }
                linkValues.append(data)
                return .linkBytes(offset: Int(load.offset), value: linkValues.count - 1, negated: match.isNegated)
            case .set(let name):
                guard let set = sets[name], set.key != .interfaceName else {
                    throw fail("matches \(load) against @\(name), which is not an address set of table \(table.name)")
                }
                let family: AddressFamily = set.key == .ipv4Address ? .ipv4 : .ipv6
                guard load.length == family.addressLength else {
                    throw fail("looks \(load) up in @\(name), whose keys are \(family.addressLength) bytes long")
                }
                return .linkLookup(offset: Int(load.offset), family: family, set: set.index, negated: match.isNegated)
            case .interface, .prefix, .family:
                throw unreadable
            }
        case .networkFamily:
            guard case .family(let family) = match.value else { throw unreadable }
            return .family(family, negated: match.isNegated)
        case .address(let family, let field):
            switch match.value {
            case .set(let name):
                let key: SetKey = family == .ipv4 ? .ipv4Address : .ipv6Address
                guard let set = sets[name], set.key == key else {
                    throw fail("matches \(HeaderField.address(family, field)) against @\(name), which is not a \(key.rawValue) set of table \(table.name)")
                }
                return family == .ipv4 ? .ipv4(field, set: set.index, negated: match.isNegated)
                                       : .ipv6(field, set: set.index, negated: match.isNegated)
            case .prefix(.v4(let prefix)) where family == .ipv4:
                ipv4Sets.append(IPv4Set([prefix]))
                return .ipv4(field, set: ipv4Sets.count - 1, negated: match.isNegated)
            case .prefix(.v6(let prefix)) where family == .ipv6:
                ipv6Sets.append(IPv6Set([prefix]))
                return .ipv6(field, set: ipv6Sets.count - 1, negated: match.isNegated)
            case .prefix, .interface, .family, .bytes:
                throw unreadable
            }
        }
    }

    /// nft refuses jump loops when the ruleset is loaded; a read-back ruleset is checked here
    /// so that evaluation always ends.
    private func checkForLoops() throws(EvaluatorError) {
        var state = [UInt8](repeating: 0, count: chains.count)   // 0 new, 1 on stack, 2 done
        func visit(_ chain: Int) throws(EvaluatorError) {
            if state[chain] == 2 { return }
            state[chain] = 1
            for rule in chains[chain].rules {
                for case .verdict(let verdict) in rules[rule].steps {
                    switch verdict {
                    case .jump(let target), .goto(let target): try follow(target, from: rule)
                    default: break
                    }
                }
            }
            state[chain] = 2
        }
        func follow(_ target: Int, from rule: Int) throws(EvaluatorError) {
            if state[target] == 1 {
                throw EvaluatorError(rule: rules[rule].reference, reason: "closes a jump loop through chain \"\(chains[target].reference.chain)\"")
            }
            try visit(target)
        }
        for chain in chains.indices { try visit(chain) }
    }
}

/// A ruleset the evaluator cannot read, naming the rule and what is wrong with it.
public struct EvaluatorError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The rule at fault, when one rule is.
    public var rule: RuleReference?
    public var reason: String

    public var description: String {
        guard let rule else { return "the ruleset \(reason)" }
        return "\(rule.tableFamily.rawValue) \(rule.table) chain \(rule.chain) rule #\(rule.index)"
            + (rule.comment.map { " \"\($0)\"" } ?? "") + " \(reason)"
    }
}
