/// How spoofguard tells its own tables from other tools' tables of the same name.
///
/// Every table spoofguard writes carries the table comment `managed by spoofguard`: nft's own
/// table user data (`NFTNL_UDATA_TABLE_COMMENT`, a NUL-terminated string). nft lists it, keeps
/// it through `nft list ruleset > file; nft -f file`, and the rendered load file carries it too,
/// so a table loaded with `nft -f` from `spoofguard compile` is marked exactly like one applied
/// over netlink. The mark prevents mistakes, not attacks: any process with CAP_NET_ADMIN can
/// write the same comment (Docs/hardening.md, "Table ownership").
public enum TableOwnership {
    public static let mark = "managed by spoofguard"

    /// Why spoofguard may replace or delete an existing table of its name.
    public enum Claim: String, Sendable, Equatable, Codable {
        /// The table carries the mark.
        case marked
        /// No mark, but exactly what spoofguard compiles for some policy (`CompiledShape`):
        /// written by a spoofguard version from before the mark.
        case earlierVersion = "earlier-version"
        /// No mark and another shape, taken over because the user said `--adopt`.
        case adopted
    }

    public static func isMarked(_ table: Table) -> Bool { table.comment == mark }
}

extension Ruleset {
    /// Every table carrying spoofguard's ownership mark (in place of any other comment).
    public var marked: Ruleset {
        var result = self
        for index in result.tables.indices { result.tables[index].comment = TableOwnership.mark }
        return result
    }
}

/// An existing table of spoofguard's name that spoofguard did not write: replacing or deleting
/// it would destroy another tool's rules, so the operation stops before sending anything.
public struct ForeignTableError: Error, Sendable, CustomStringConvertible {
    public enum Operation: Sendable { case replace, delete }
    public var family: TableFamily
    public var name: String
    public var operation: Operation

    public init(family: TableFamily, name: String, operation: Operation) {
        self.family = family
        self.name = name
        self.operation = operation
    }

    public var description: String {
        let id = "\(family.rawValue) \(name)"
        let verb = operation == .replace ? "replace" : "delete"
        var text = "table \(id) exists but was not created by spoofguard (it lacks the comment \"\(TableOwnership.mark)\" "
            + "and is not a table spoofguard compiles), so spoofguard will not \(verb) it: "
        switch operation {
        case .replace:
            text += "give the policy's \"table\" another name (e.g. \"spoofguard\"), or, if the table really is yours "
                + "to overwrite, run apply once with --adopt (its contents are replaced by the policy)"
        case .delete:
            text += "check the name (`nft list table \(id)` shows what it holds); if it really is to go, "
                + "run remove with --adopt, or `nft delete table \(id)`"
        }
        return text
    }
}
