import SpoofGuard

/// Loads a ruleset into the lab's router namespace and reads its rule counters back.
/// The product uses spoofguard's own netlink code; tests may use another implementation.
public protocol RulesetDriver {
    func load(_ ruleset: Ruleset, into lab: KernelLab) throws
    /// The packet count of every rule in `ruleset` that has a counter, read from the kernel.
    func ruleCounters(of ruleset: Ruleset, in lab: KernelLab) throws -> [RuleAddress: UInt64]
}

extension Ruleset {
    /// Every rule with a counter statement, by address (what `RulesetDriver.ruleCounters` returns).
    public var countedRules: [RuleAddress] {
        tables.flatMap { table in
            table.chains.flatMap { chain in
                chain.rules.enumerated().compactMap { index, rule in
                    rule.counter == nil ? nil
                        : RuleAddress(family: table.family, table: table.name, chain: chain.name, index: index, comment: rule.comment)
                }
            }
        }
    }

    /// Counter values of a read-back ruleset, matched by address to the rules of this one.
    public func counters(readBack: Ruleset) -> [RuleAddress: UInt64] {
        var result: [RuleAddress: UInt64] = [:]
        for address in countedRules {
            let rules = readBack.table(family: address.family, name: address.table)?.chain(named: address.chain)?.rules
            if let rules, address.index < rules.count, let counter = rules[address.index].counter {
                result[address] = counter.packets
            }
        }
        return result
    }
}
