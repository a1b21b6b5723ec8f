import CNetfilter
import Glibc
import SpoofGuard

/// Dumps (GETTABLE, GETCHAIN, GETSET, GETSETELEM, GETRULE, GETGEN) raised to the IR.
struct KernelReader {
    let socket: NetlinkSocket

    /// The ruleset generation; it changes with every committed transaction.
    func generation() throws(NetlinkError) -> UInt32 {
        let gen = nftnl_gen_alloc()!
        defer { nftnl_gen_free(gen) }
        try socket.dump(.getGen, family: 0, operation: "reading the ruleset generation", dump: false) { header in
            _ = nftnl_gen_nlmsg_parse(header, gen)
        }
        return nftnl_gen_get_u32(gen, attribute(NFTNL_GEN_ID))
    }

    /// Every table called `name`, in any family, with its sets, chains, rules and counters.
    /// Without `elements`, sets come back empty (their key type kept): a cheap first look.
    /// Only tables of `families` are read; others of the same name are not spoofguard's.
    func tables(named name: String, families: Set<TableFamily>, elements: Bool = true) throws -> [Table] {
        var tables: [Table] = []
        for (family, nftTable) in try headers(named: name, families: families) {
            tables.append(try read(family: family, table: nftTable, elements: elements))
        }
        return tables
    }

    /// The tables called `name` in `families`, without their contents.
    func headers(named name: String, families: Set<TableFamily>) throws(NetlinkError) -> [(TableFamily, NftTable)] {
        var found: [(TableFamily, NftTable)] = []
        try socket.dump(.getTable, family: 0, operation: "listing tables") { header throws(NetlinkError) in
            let table = NftTable()
            guard table.parse(header) else { throw NetlinkError(errno: EINVAL, operation: "parsing a table") }
            if table.name == name, let family = TableFamily(nfproto: UInt8(truncatingIfNeeded: table.family)),
               families.contains(family) {
                found.append((family, table))
            }
        }
        return found
    }

    private func read(family: TableFamily, table nftTable: NftTable, elements withElements: Bool) throws -> Table {
        let name = nftTable.name
        let where_ = "\(family.rawValue) table \(name)"
        var table = Table(family: family, name: name, flags: TableFlags(rawValue: nftTable.flags),
                          comment: UserData.comment(in: nftTable.userData))

        try socket.dump(.getChain, family: family.nfproto, operation: "listing chains of \(where_)") { header throws(NetlinkError) in
            let chain = NftChain()
            guard chain.parse(header) else { throw NetlinkError(errno: EINVAL, operation: "parsing a chain of \(where_)") }
            guard chain.table == name else { return }
            do { table.chains.append(try chain.chain(family: family)) } catch {
                throw NetlinkError(errno: EINVAL, operation: "reading \(where_)", kernelMessage: "\(error)")
            }
        }

        var sets: [NftSet] = []
        let setRequest = NftSet(family: family, table: name, name: "")
        nftnl_set_unset(setRequest.pointer, attribute(NFTNL_SET_NAME))
        try socket.dump(.getSet, family: family.nfproto, operation: "listing sets of \(where_)", request: setRequest.build) { header throws(NetlinkError) in
            let set = NftSet()
            guard set.parse(header) else { throw NetlinkError(errno: EINVAL, operation: "parsing a set of \(where_)") }
            if set.table == name { sets.append(set) }
        }
        for set in sets {
            guard let key = SetKey.allCases.first(where: { $0.typeID == set.keyType && $0.length == set.keyLength }) else {
                throw DelinearizeError(expression: nil, reason: "set \(set.name) in \(where_) has key type \(set.keyType), which spoofguard does not model")
            }
            let flags = SetFlags(rawValue: set.flags)
            guard withElements else {
                table.sets.append(NamedSet(name: set.name, flags: flags, elements: key.noElements,
                                           comment: UserData.setComment(in: set.userData)))
                continue
            }
            let request = NftSet(family: family, table: name, name: set.name)
            let holder = NftSet(family: family, table: name, name: set.name)
            try socket.dump(.getSetElement, family: family.nfproto, operation: "listing elements of set \(set.name)",
                            request: request.buildElements) { header throws(NetlinkError) in
                guard holder.parseElements(header) else { throw NetlinkError(errno: EINVAL, operation: "parsing elements of set \(set.name)") }
            }
            let elements = try SetElementEncoding.decode(holder.elements, key: key, interval: flags.contains(.interval))
            table.sets.append(NamedSet(name: set.name, flags: flags, elements: elements,
                                       comment: UserData.setComment(in: set.userData)))
        }

        let ruleRequest = NftRule()
        nftnl_rule_set_u32(ruleRequest.pointer, attribute(NFTNL_RULE_FAMILY), UInt32(family.nfproto))
        nftnl_rule_set_str(ruleRequest.pointer, attribute(NFTNL_RULE_TABLE), name)
        var rules: [NftRule] = []
        try socket.dump(.getRule, family: family.nfproto, operation: "listing rules of \(where_)", request: ruleRequest.build) { header throws(NetlinkError) in
            let rule = NftRule()
            guard rule.parse(header) else { throw NetlinkError(errno: EINVAL, operation: "parsing a rule of \(where_)") }
            if rule.table == name { rules.append(rule) }
        }
        for nftRule in rules {
            guard let index = table.chains.firstIndex(where: { $0.name == nftRule.chain }) else { continue }
            let rule = try Delinearize.rule(try nftRule.expressions(), family: family,
                                            comment: nftRule.comment, handle: nftRule.handle)
            table.chains[index].rules.append(rule)
        }
        return table
    }
}

extension KernelReader {
    /// Each set's raw user data and flags, to hold spoofguard's encoding against nft's.
    func setMetadata(family: TableFamily, table: String) throws(NetlinkError) -> [String: (flags: UInt32, userData: [UInt8])] {
        var result: [String: (flags: UInt32, userData: [UInt8])] = [:]
        let request = NftSet(family: family, table: table, name: "")
        nftnl_set_unset(request.pointer, attribute(NFTNL_SET_NAME))
        try socket.dump(.getSet, family: family.nfproto, operation: "listing sets", request: request.build) { header throws(NetlinkError) in
            let set = NftSet()
            guard set.parse(header) else { throw NetlinkError(errno: EINVAL, operation: "parsing a set") }
            if set.table == table { result[set.name] = (set.flags, set.userData) }
        }
        return result
    }
}
