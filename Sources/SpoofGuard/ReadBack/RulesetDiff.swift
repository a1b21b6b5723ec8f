/// The differences between the ruleset a policy compiles to and the one loaded in the kernel,
/// counters aside, as readable lines: `-` expected but missing, `+` loaded but not expected,
/// `~` present in both but changed.
public struct RulesetDiff: Sendable, Equatable, Codable {
    public var lines: [String]
    public var isEmpty: Bool { lines.isEmpty }

    public init(expected: Ruleset, loaded: Ruleset) {
        let expected = expected.kernelComparable
        let loaded = loaded.kernelComparable
        var lines: [String] = []
        let keys = (expected.tables + loaded.tables).map { TableKey(family: $0.family, name: $0.name) }
        var seen = Set<TableKey>()
        for key in keys where seen.insert(key).inserted {
            let label = "table \(key.family.rawValue) \(key.name)"
            switch (expected.table(family: key.family, name: key.name), loaded.table(family: key.family, name: key.name)) {
            case (_?, nil): lines.append("- \(label) (not loaded)")
            case (nil, _?): lines.append("+ \(label) (loaded, not in the policy)")
            case let (want?, have?): lines += Self.compare(want, have, label)
            case (nil, nil): break
            }
        }
        self.lines = lines
    }

    struct TableKey: Hashable {
        var family: TableFamily
        var name: String
    }

    static func compare(_ want: Table, _ have: Table, _ label: String) -> [String] {
        var lines: [String] = []
        if want.flags != have.flags { lines.append("~ \(label): flags \(want.flags.rawValue) expected, \(have.flags.rawValue) loaded") }
        if want.comment != have.comment {
            // The comment is spoofguard's ownership mark: without it, apply refuses or takes the table over.
            func quoted(_ comment: String?) -> String { comment.map { "\"\($0)\"" } ?? "none" }
            lines.append("~ \(label): comment \(quoted(want.comment)) expected, \(quoted(have.comment)) loaded")
        }
        for set in want.sets where have.set(named: set.name) == nil { lines.append("- \(label) set \(set.name) (missing)") }
        for set in have.sets where want.set(named: set.name) == nil { lines.append("+ \(label) set \(set.name) (not in the policy)") }
        for set in want.sets {
            guard let other = have.set(named: set.name) else { continue }
            if set.flags != other.flags || set.key != other.key {
                lines.append("~ \(label) set \(set.name): type or flags differ")
            }
            // Equal sets (the usual case) are not spelled out: 100 k prefixes as text cost more
            // than the whole unchanged `diff` may.
            guard set.elements != other.elements else { continue }
            let wanted = LoadedGuard.describe(set.elements)
            let loaded = LoadedGuard.describe(other.elements)
            let loadedSet = Set(loaded)
            let wantedSet = Set(wanted)
            for element in wanted where !loadedSet.contains(element) { lines.append("- \(label) set \(set.name) element \(element)") }
            for element in loaded where !wantedSet.contains(element) { lines.append("+ \(label) set \(set.name) element \(element)") }
        }
        for chain in want.chains where have.chain(named: chain.name) == nil { lines.append("- \(label) chain \(chain.name) (missing)") }
        for chain in have.chains where want.chain(named: chain.name) == nil { lines.append("+ \(label) chain \(chain.name) (not in the policy)") }
        for chain in want.chains {
            guard let other = have.chain(named: chain.name) else { continue }
            if chain.base != other.base {
                lines.append("~ \(label) chain \(chain.name): hook \(chain.base.map { LoadedGuard.describe($0, family: want.family) } ?? "none") expected, \(other.base.map { LoadedGuard.describe($0, family: want.family) } ?? "none") loaded")
            }
            if chain.rules != other.rules {
                let wanted = chain.rules.map { NftTextRenderer.render($0.withoutRuntimeState, in: want) }
                let loaded = other.rules.map { NftTextRenderer.render($0.withoutRuntimeState, in: have) }
                for rule in wanted where !loaded.contains(rule) { lines.append("- \(label) chain \(chain.name) rule: \(rule)") }
                for rule in loaded where !wanted.contains(rule) { lines.append("+ \(label) chain \(chain.name) rule: \(rule)") }
                if Set(wanted) == Set(loaded) { lines.append("~ \(label) chain \(chain.name): rules in a different order") }
            }
        }
        return lines
    }
}
