/// What tells whether a guard list names something twice: catalog names, and literal prefixes
/// packed as integers so that one sort finds any repeat. Gathered while each entry is read,
/// so a 100 k-prefix list is not walked (and every entry copied) a second time.
struct DuplicateKeys {
    private var catalogs: Set<String> = []
    private var catalogRepeated = false
    private var v4: [UInt64] = []
    private var v6: [(bits: UInt128, length: Int)] = []

    init(capacity: Int) {
        v4.reserveCapacity(capacity)
    }

    /// `entry` is borrowed: only a catalog's name is copied, into the set.
    mutating func add(_ entry: GuardEntry) {
        switch entry.origin {
        case .catalog(let name):
            if !catalogs.insert(name).inserted { catalogRepeated = true }
        case .literal:
            entry.forEachPrefix { prefix in
                switch prefix {
                case .v4(let prefix): v4.append(UInt64(prefix.network.bits) << 8 | UInt64(prefix.length))
                case .v6(let prefix): v6.append((prefix.network.bits, prefix.length))
                }
            }
        }
    }

    mutating func containsDuplicates() -> Bool {
        if catalogRepeated { return true }
        v4.sort()
        v6.sort { ($0.bits, $0.length) < ($1.bits, $1.length) }
        for index in v4.indices.dropFirst() where v4[index] == v4[index - 1] { return true }
        for index in v6.indices.dropFirst() where v6[index] == v6[index - 1] { return true }
        return false
    }
}
