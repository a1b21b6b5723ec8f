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
