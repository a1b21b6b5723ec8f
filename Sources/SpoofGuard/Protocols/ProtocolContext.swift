/// nft's protocol context over one rule, the one place that knows when a header needs its
/// dependency. Linearize asks it which dependency to put before a load, Delinearize which
/// family matches were only dependencies, and the text renderer which ones `nft list` hides.
///
/// The rule (found by loading rules into nft 1.0.6 and listing them): a load of a header needs
/// its selector unless the table implies it or the rule has already established it (by a
/// non-negated family match, or by an earlier load of the same header). nft keeps one pending
/// dependency: the next address match of that family, or a reject, consumes it; an interface
/// match leaves it waiting; anything else (counter, log, limit, verdict, another family
/// match) ends the wait, and the family match is then a match of its own that `nft list` shows.
struct ProtocolContext {
    let table: TableFamily
    /// The network family the rule has established so far.
    private(set) var established: AddressFamily?

    init(table: TableFamily) {
        self.table = table
        established = table.impliedAddressFamily
    }

    /// The `meta` match to put before loading a field of `family`'s header; nil when the rule
    /// already has it. The context then holds `family`.
    mutating func require(_ family: AddressFamily) throws(LinearizeError) -> (key: MetaKey, value: [UInt8])? {
        if let implied = table.impliedAddressFamily, implied != family {
            throw LinearizeError("an \(family) match cannot appear in a table of family \(table.rawValue)")
        }
        guard let selector = ProtocolHeader(family).selector(in: table) else {
            throw LinearizeError("tables of family \(table.rawValue) cannot match \(family) addresses")
        }
        if established == family { return nil }
        switch selector {
        case .implied:
            return nil
        case let .meta(key, value):
            established = family
            return (key, value)
        case .linkLayerType:
            throw LinearizeError("\(family) headers reached through a link-layer type are not linearized")
        }
    }

    /// Takes note of a statement the rule runs; returns the family it narrows the packet to.
    mutating func note(_ statement: Statement) {
        guard case .match(let match) = statement, let family = match.narrowedFamily else { return }
        established = family
    }

    /// Indices of the non-negated family matches that the next match consumes as its
    /// dependency: nft adds them itself, and hides them when listing.
    static func consumedDependencies(in statements: [Statement]) -> Set<Int> {
        var consumed: Set<Int> = []
        for (index, statement) in statements.enumerated() {
            guard case .match(let match) = statement, case .networkFamily = match.subject, !match.isNegated,
                  case .family(let family) = match.value else { continue }
            if isConsumed(dependencyAt: index, of: family, in: statements) { consumed.insert(index) }
        }
        return consumed
    }

    private static func isConsumed(dependencyAt index: Int, of family: AddressFamily, in statements: [Statement]) -> Bool {
        for statement in statements[(index + 1)...] {
            switch statement {
            case .match(let match):
                switch match.subject {
                case .networkFamily: return false
                case .address(let addressFamily, _): return addressFamily == family
                case .inputInterfaceName: continue
                case .payload: return false
                }
            case .reject: return true
            case .counter, .limit, .log, .verdict: return false
            }
        }
        return false
    }
}

extension Match {
    /// The address family a packet must have for this match to hold, if it says so.
    var narrowedFamily: AddressFamily? {
        switch subject {
        case .address(let family, _): family
        case .networkFamily:
            if !isNegated, case .family(let family) = value { family } else { nil }
        case .inputInterfaceName, .payload: nil
        }
    }
}
