/// Recognises a table that spoofguard compiled before it marked its tables: the table must
/// equal what `Compiler` makes for SOME policy. The policy is rebuilt from the table itself
/// (its hook, interface set or devices, address sets and action) and compiled again; anything
/// that differs in one chain, set, flag, rule or element is not spoofguard's.
public enum CompiledShape {
    /// Whether only object names spoofguard's compiler uses appear: a cheap test that needs no
    /// set elements, so other tools' tables are refused without reading them in full.
    public static func hasCompiledNames(_ table: Table) -> Bool {
        guard let hook = hook(of: table.family) else { return false }
        let names = Compiler.Names.self
        var setNames: Set<String> = [names.externalInterfaces, names.internalInterfaces]
        for field in AddressField.allCases {
            for family in AddressFamily.allCases {
                setNames.insert(names.addressSet(field, family))
                setNames.insert(names.encapsulatedAddressSet(field, family))
            }
        }
        let chainNames: Set<String> = [names.baseChain(hook), names.logChain]
        return table.sets.allSatisfy { setNames.contains($0.name) } && table.chains.allSatisfy { chainNames.contains($0.name) }
            && table.chains.contains { $0.name == names.baseChain(hook) }
    }

    /// Whether `table` (read back with its set elements) is exactly a compiled table.
    public static func matches(_ table: Table) -> Bool {
        guard hasCompiledNames(table), let compiled = recompile(table) else { return false }
        return Ruleset(tables: [compiled]).kernelComparable == Ruleset(tables: [table]).kernelComparable
    }

    /// The table the compiler makes for the policy `table` expresses, without the ownership mark.
    static func recompile(_ table: Table) -> Table? {
        guard let hook = hook(of: table.family),
              let base = table.chain(named: Compiler.Names.baseChain(hook)) else { return nil }
        let names = Compiler.Names.self
        var external: ExternalInterfaces
        var internalPatterns: [InterfacePattern] = [.loopback]
        if hook == .ingress {
            let devices = base.base?.devices ?? []
            external = .listed(devices.compactMap { try? InterfacePattern(stem: $0, isWildcard: false) })
        } else if case .interfaces(let patterns)? = table.set(named: names.externalInterfaces)?.elements {
            external = .listed(patterns)
        } else if case .interfaces(let patterns)? = table.set(named: names.internalInterfaces)?.elements {
            external = .allExceptInternal
            internalPatterns = patterns
        } else {
            return nil
        }
        var sets: [AddressField: (v4: IPv4Set, v6: IPv6Set)] = [:]
        for field in AddressField.allCases {
            var pair = (v4: IPv4Set(), v6: IPv6Set())
            if case .ipv4(let set)? = table.set(named: names.addressSet(field, .ipv4))?.elements { pair.v4 = set }
            if case .ipv6(let set)? = table.set(named: names.addressSet(field, .ipv6))?.elements { pair.v6 = set }
            sets[field] = pair
        }
        let policy = Policy(table: table.name, external: external, internal: internalPatterns, guardedSources: [],
                            guardedDestinations: [], action: action(base: base, in: table), hooks: [hook])
        var compiled = Compiler.table(for: hook, policy: policy, guards: GuardSets(sets: sets))
        compiled.comment = nil
        return compiled
    }

    /// The action a guard rule carries: its verdict (or the log chain's), counter and log.
    static func action(base: Chain, in table: Table) -> Action {
        guard let rule = base.rules.first else { return Action() }
        var action = Action(counter: rule.statements.contains { if case .counter = $0 { true } else { false } })
        var verdicts = rule.statements
        if rule.statements.contains(.verdict(.goto(Compiler.Names.logChain))),
           let logChain = table.chain(named: Compiler.Names.logChain), logChain.rules.count == 2 {
            var log = LogAction()
            for statement in logChain.rules[0].statements {
                if case .limit(let rate) = statement { log.rate = rate }
                if case .log(let entry) = statement {
                    log.prefix = entry.prefix ?? ""
                    log.group = entry.group
                }
            }
            action.log = log
            verdicts = logChain.rules[1].statements
        }
        if verdicts.contains(where: { if case .reject = $0 { true } else { false } }) { action.verdict = .reject }
        return action
    }

    static func hook(of family: TableFamily) -> PolicyHook? {
        PolicyHook.allCases.first { Compiler.family(of: $0) == family }
    }
}
