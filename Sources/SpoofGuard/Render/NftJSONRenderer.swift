/// Ruleset → libnftables JSON (`nft -j -f`): a command list with the load file's replace
/// semantics — add each table, delete it, add it again with its sets, chains and rules.
///
/// nft 1.0.6 ignores table and set comments and table flags in JSON input, and reads a
/// chain's `dev` only as a single string ("Missing `device' in this chain definition" for an
/// array). A chain bound to several devices is therefore written as one `add chain` per
/// device, each naming one: the first creates the chain, each later one adds its device's
/// hook to it in the same transaction (the kernel's netdev chain update), which is the same
/// chain the text form's `devices = { … }` makes — and what every nft version reads.
public enum NftJSONRenderer {
    public static func render(_ ruleset: Ruleset) -> String {
        let commands = document(ruleset)
        return "{\"nftables\": [\n" + commands.map(\.serialized).joined(separator: ",\n") + "\n]}\n"
    }

    /// The commands of the `nftables` array, in order.
    public static func document(_ ruleset: Ruleset) -> [OrderedJSON] {
        var commands: [OrderedJSON] = [["metainfo": ["json_schema_version": 1]]]
        for table in ruleset.tables {
            let id: OrderedJSON = ["family": .string(table.family.rawValue), "name": .string(table.name)]
            commands.append(["add": ["table": id]])
            commands.append(["delete": ["table": id]])
        }
        for table in ruleset.tables {
            commands.append(["add": ["table": tableObject(table)]])
            commands += table.sets.map { ["add": ["set": setObject($0, in: table)]] }
            for chain in table.chains {
                let devices = NftSyntax.sortedDevices(chain.base?.devices ?? [])
                let binds = devices.isEmpty ? [nil] : devices.map(Optional.some)
                commands += binds.map { ["add": ["chain": chainObject(chain, device: $0, in: table)]] }
            }
            for chain in table.chains {
                commands += chain.rules.map { ["add": ["rule": ruleObject($0, chain: chain.name, in: table)]] }
            }
        }
        return commands
    }

    /// One rule's `expr` array, as `nft -j list` would show it (without handles).
    public static func expressions(_ rule: Rule, in table: Table) -> OrderedJSON {
        let analysis = NftRuleAnalysis(rule, family: table.family)
        return .array(rule.statements.enumerated().map { index, statement in
            statementObject(statement, tableFamily: table.family, answerFamily: analysis.answerFamily[index])
        })
    }

    static func tableObject(_ table: Table) -> OrderedJSON {
        var members: [(key: String, value: OrderedJSON)] = [
            ("family", .string(table.family.rawValue)), ("name", .string(table.name)),
        ]
        let flags = NftSyntax.tableFlags(table.flags)
        if !flags.isEmpty { members.append(("flags", .array(flags.map(OrderedJSON.string)))) }
        if let comment = table.comment { members.append(("comment", .string(comment))) }
        return .object(members)
    }

    static func setObject(_ set: NamedSet, in table: Table) -> OrderedJSON {
        var members: [(key: String, value: OrderedJSON)] = [
            ("family", .string(table.family.rawValue)), ("table", .string(table.name)),
            // nft 1.0.6 lists a `typeof` raw set as `"type": "integer"` and reads no typeof from JSON.
            ("name", .string(set.name)), ("type", .string(set.rawKey == nil ? set.key.rawValue : "integer")),
        ]
        let flags = NftSyntax.setFlags(set.flags)
        if !flags.isEmpty { members.append(("flags", .array(flags.map(OrderedJSON.string)))) }
        if let comment = set.comment { members.append(("comment", .string(comment))) }
        let elements = elementValues(set.elements, flags: set.flags)
        if !elements.isEmpty { members.append(("elem", .array(elements))) }
        return .object(members)
    }

    static func elementValues(_ elements: SetElements, flags: SetFlags) -> [OrderedJSON] {
        switch elements {
        case .ipv4(let set): set.ranges.map { rangeValue($0, of: IPv4Address.self) }
        case .ipv6(let set): set.ranges.map { rangeValue($0, of: IPv6Address.self) }
        case .interfaces(let patterns):
            NftSetText.sortedInterfaces(patterns, interval: flags.contains(.interval)).map { .string($0.description) }
        }
    }

    /// An address, `{"prefix": …}` or `{"range": [first, last]}`, as nft lists interval elements.
    static func rangeValue<Address: IPAddressProtocol>(_ range: ClosedRange<Address.Bits>, of _: Address.Type) -> OrderedJSON {
        if let prefix = Prefix<Address>(exactly: range) { return prefixValue(prefix) }
        return ["range": [.string(Address(bits: range.lowerBound).description),
                          .string(Address(bits: range.upperBound).description)]]
    }

    static func prefixValue<Address: IPAddressProtocol>(_ prefix: Prefix<Address>) -> OrderedJSON {
        if prefix.length == Address.bitWidth { return .string(prefix.network.description) }
        return ["prefix": ["addr": .string(prefix.network.description), "len": .integer(Int64(prefix.length))]]
    }

    /// `device`: the one device this `add chain` binds (see the type's comment).
    static func chainObject(_ chain: Chain, device: String?, in table: Table) -> OrderedJSON {
        var members: [(key: String, value: OrderedJSON)] = [
            ("family", .string(table.family.rawValue)), ("table", .string(table.name)), ("name", .string(chain.name)),
        ]
        if let base = chain.base {
            members += [("type", .string(base.type.rawValue)), ("hook", .string(base.hook.rawValue)),
                        ("prio", .integer(Int64(base.priority.rawValue)))]
            if let device { members.append(("dev", .string(device))) }
            members.append(("policy", .string(base.policy.rawValue)))
        }
        return .object(members)
    }

    static func ruleObject(_ rule: Rule, chain: String, in table: Table) -> OrderedJSON {
        var members: [(key: String, value: OrderedJSON)] = [
            ("family", .string(table.family.rawValue)), ("table", .string(table.name)), ("chain", .string(chain)),
            ("expr", expressions(rule, in: table)),
        ]
        if let comment = rule.comment { members.append(("comment", .string(comment))) }
        return .object(members)
    }

    static func statementObject(_ statement: Statement, tableFamily: TableFamily,
                                answerFamily: AddressFamily?) -> OrderedJSON {
        switch statement {
        case .match(let match): match.nftJSON
        case .counter(let counter): counter.nftJSON
        case .limit(let limit): limit.nftJSON
        case .log(let log): log.nftJSON
        case .reject(let reject): ["reject": rejectValue(reject, tableFamily: tableFamily, answerFamily: answerFamily)]
        case .verdict(let verdict): verdict.nftJSON
        }
    }

    /// The reject type nft itself would choose for the text form, so both give one kernel rule.
    static func rejectValue(_ reject: Reject, tableFamily: TableFamily, answerFamily: AddressFamily?) -> OrderedJSON {
        let encoding = RejectEncoding(reject, tableFamily: tableFamily, answerFamily: answerFamily)
        if encoding.kind == .tcpReset { return ["type": "tcp reset"] }
        return ["type": .string(encoding.kind.rawValue), "expr": "port-unreachable"]
    }
}
