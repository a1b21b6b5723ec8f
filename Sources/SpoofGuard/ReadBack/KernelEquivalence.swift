extension Ruleset {
    /// The form in which a compiled ruleset and one read back from the kernel are compared:
    /// counters and handles cleared, tables ordered by family, and the orders the kernel does
    /// not keep (interface set elements, ingress devices) sorted.
    public var kernelComparable: Ruleset {
        var result = withoutRuntimeState
        result.tables.sort { ($0.family.nfproto, $0.name) < ($1.family.nfproto, $1.name) }
        for t in result.tables.indices {
            for s in result.tables[t].sets.indices {
                if case .interfaces(let patterns) = result.tables[t].sets[s].elements {
                    result.tables[t].sets[s].elements = .interfaces(patterns.sorted())
                }
            }
            for c in result.tables[t].chains.indices {
                result.tables[t].chains[c].base?.devices.sort()
            }
        }
        return result
    }
}

extension Ruleset {
    /// The same ruleset with every set emptied (key types kept): what a reader that skipped
    /// element dumps sees, so that a difference elsewhere can be found without them.
    public var withoutSetElements: Ruleset {
        var result = self
        for t in result.tables.indices {
            for s in result.tables[t].sets.indices {
                result.tables[t].sets[s].elements = result.tables[t].sets[s].key.noElements
            }
        }
        return result
    }
}

extension SetKey {
    public var noElements: SetElements {
        switch self {
        case .ipv4Address: .ipv4(IPv4Set())
        case .ipv6Address: .ipv6(IPv6Set())
        case .interfaceName: .interfaces([])
        }
    }
}

extension Ruleset {
    /// This ruleset with each counter starting from the count of the rule that enforced the
    /// same policy entry (same table, chain and comment) in `previous`, so that replacing the
    /// table does not reset what `status` reports.
    public func carryingCounters(from previous: Ruleset) -> Ruleset {
        var result = self
        for t in result.tables.indices {
            let table = result.tables[t]
            guard let old = previous.table(family: table.family, name: table.name) else { continue }
            for c in result.tables[t].chains.indices {
                guard let oldChain = old.chain(named: table.chains[c].name) else { continue }
                for r in result.tables[t].chains[c].rules.indices {
                    let rule = result.tables[t].chains[c].rules[r]
                    guard let comment = rule.comment,
                          let counter = oldChain.rules.first(where: { $0.comment == comment })?.counter else { continue }
                    result.tables[t].chains[c].rules[r].statements = rule.statements.map { statement in
                        if case .counter = statement { return .counter(counter) }
                        return statement
                    }
                }
            }
        }
        return result
    }
}
