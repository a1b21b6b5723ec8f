/// Ruleset → nft text.
///
/// `listing` is byte for byte what `nft list ruleset` (nftables 1.0.6) prints once the
/// tables are loaded, so tests can hold kernel listings against rendered text directly.
/// `loadFile` is what `nft -f` loads: it replaces spoofguard's tables in one transaction
/// and touches no other table, however often it is loaded.
public enum NftTextRenderer {
    /// What `nft list ruleset` prints for these tables (and nothing else loaded).
    public static func listing(_ ruleset: Ruleset) -> String {
        ruleset.tables.map { tableText($0, form: .listing) }.joined()
    }

    /// What `nft list table FAMILY NAME` prints.
    public static func listing(_ table: Table) -> String { tableText(table, form: .listing) }

    /// A file for `nft -f`: for each table, create it if missing and delete it (so the file
    /// loads whether or not the table exists), then define it afresh. nft sends the whole file
    /// as one transaction, so a failure anywhere leaves the old tables as they were.
    public static func loadFile(_ ruleset: Ruleset) -> String {
        var text = "#!/usr/sbin/nft -f\n"
        for table in ruleset.tables {
            let id = "\(table.family.rawValue) \(table.name)"
            text += "table \(id) {}\ndelete table \(id)\n"
        }
        for table in ruleset.tables { text += "\n" + tableText(table, form: .load) }
        return text
    }

    /// One rule as `nft list` prints it (without indentation), e.g. to explain a verdict.
    public static func render(_ rule: Rule, in table: Table) -> String {
        NftRuleText.render(rule, family: table.family, form: .listing)
    }

    static func tableText(_ table: Table, form: NftTextForm) -> String {
        var text = "table \(table.family.rawValue) \(table.name) {\n"
        // nft separates the flags line from the first object by a blank line, but not a comment.
        var separator = ""
        let flags = NftSyntax.tableFlags(table.flags)
        if !flags.isEmpty {
            text += "\tflags " + flags.joined(separator: ",") + "\n"
            separator = "\n"
        }
        if let comment = table.comment { text += "\tcomment " + NftSyntax.quoted(comment) + "\n" }
        for set in table.sets {
            text += separator + setText(set)
            separator = "\n"
        }
        for chain in table.chains {
            text += separator + chainText(chain, family: table.family, form: form)
            separator = "\n"
        }
        return text + "}\n"
    }

    static func setText(_ set: NamedSet) -> String {
        let type = set.rawKey.map { "typeof \($0)" } ?? "type \(set.key.rawValue)"
        var text = "\tset \(set.name) {\n\t\t\(type)\n"
        let flags = NftSyntax.setFlags(set.flags)
        if !flags.isEmpty { text += "\t\tflags " + flags.joined(separator: ",") + "\n" }
        if let comment = set.comment { text += "\t\tcomment " + NftSyntax.quoted(comment) + "\n" }
        if let elements = set.rawKey == nil ? NftSetText.elementsBlock(set.elements, flags: set.flags)
            : NftSetText.integerElementsBlock(set.elements) {
            text += "\t\telements = " + elements + "\n"
        }
        return text + "\t}\n"
    }

    static func chainText(_ chain: Chain, family: TableFamily, form: NftTextForm) -> String {
        var text = "\tchain \(chain.name) {\n"
        if let base = chain.base { text += "\t\t" + baseChainText(base, family: family, form: form) + "\n" }
        for rule in chain.rules {
            text += "\t\t" + NftRuleText.render(rule, family: family, form: form) + "\n"
        }
        return text + "\t}\n"
    }

    /// `type filter hook ingress devices = { d0, d1 } priority filter; policy accept;`
    /// nft lists several devices unquoted; the load form quotes them so any name parses.
    static func baseChainText(_ base: BaseChain, family: TableFamily, form: NftTextForm) -> String {
        var text = "type \(base.type.rawValue) hook \(base.hook.rawValue)"
        let devices = NftSyntax.sortedDevices(base.devices)
        if devices.count == 1 {
            text += " device " + NftSyntax.quoted(devices[0])
        } else if devices.count > 1 {
            let names = form == .listing ? devices : devices.map(NftSyntax.quoted)
            text += " devices = { " + names.joined(separator: ", ") + " }"
        }
        text += " priority " + NftSyntax.priority(base.priority, family: family, hook: base.hook)
        return text + "; policy \(base.policy.rawValue);"
    }
}
