internal import CNetfilter
import Glibc
import SpoofGuard

/// Which sets a read dumps the elements of. `known` are elements proven without the dump
/// (`ElementRecord`): used in place of it. `dumped` counts the sets dumped (tests hold the
/// shortcut to being taken by it).
struct ElementSource {
    final class Counter { var count = 0 }
    var known: [SetPath: SetElements] = [:]
    var dumps: (SetKey) -> Bool
    let dumped = Counter()

    static var all: ElementSource { ElementSource(dumps: { _ in true }) }
    static var none: ElementSource { ElementSource(dumps: { _ in false }) }
    /// Interface-name sets only: small (one element per pattern), and what says which
    /// interfaces are guarded; address sets are the large, quadratic dump.
    static var interfaceSets: ElementSource { ElementSource(dumps: { $0 == .interfaceName }) }
}

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
        var digests: [SetPath: [UInt8]] = [:]
        return try tables(named: name, families: families, elements: elements ? .all : .none, digests: &digests)
    }

    /// The same, collecting the `ElementDigest` each set carries in its user data; `elements`
    /// says which sets' elements are dumped, and which are already known.
    func tables(named name: String, families: Set<TableFamily>, elements: ElementSource,
                digests: inout [SetPath: [UInt8]]) throws -> [Table] {
        var tables: [Table] = []
        for (family, nftTable) in try headers(named: name, families: families) {
            tables.append(try read(family: family, table: nftTable, elements: elements, digests: &digests))
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

    private func read(family: TableFamily, table nftTable: NftTable, elements source: ElementSource,
                      digests: inout [SetPath: [UInt8]]) throws -> Table {
        let name = nftTable.name
        let label = "\(family.rawValue) table \(name)"
        var table = Table(family: family, name: name, flags: TableFlags(rawValue: nftTable.flags),
                          comment: UserData.comment(in: nftTable.userData))
        for chain in try chains(family: family, table: name, label: label) {
            table.chains.append(try chain.chain(family: family))
        }
        for set in try sets(family: family, table: name, label: label) {
            // A raw-keyed set (`typeof @ll,…`) is nft's integer type; its length says the family.
            let rawKey = set.keyType == SetKey.integerTypeID ? UserData.setRawKey(in: set.userData) : nil
            let keyType = rawKey == nil ? set.keyType : (set.keyLength == 4 ? SetKey.ipv4Address : .ipv6Address).typeID
            guard let key = SetKey.allCases.first(where: { $0.typeID == keyType && $0.length == set.keyLength }),
                  rawKey == nil || key != .interfaceName else {
                throw DelinearizeError(expression: nil, reason: "set \(set.name) in \(label) has key type \(set.keyType), which spoofguard does not model")
            }
            let flags = SetFlags(rawValue: set.flags)
            let path = SetPath(family: family, table: name, set: set.name)
            let elements: SetElements
            if let known = source.known[path], known.key == key {
                elements = known
            } else if source.dumps(key) {
                elements = try SetElementEncoding.decode(try self.elements(of: set.name, family: family, table: name), key: key,
                                                         interval: flags.contains(.interval))
                source.dumped.count += 1
            } else {
                elements = key.noElements
            }
            if let digest = UserData.setElementDigest(in: set.userData) {
                digests[path] = digest
            }
            table.sets.append(NamedSet(name: set.name, flags: flags, elements: elements,
                                       comment: UserData.setComment(in: set.userData), rawKey: rawKey))
        }
        for nftRule in try rules(family: family, table: name, label: label) {
            guard let index = table.chains.firstIndex(where: { $0.name == nftRule.chain }) else { continue }
            let rule = try Delinearize.rule(try nftRule.expressions(), family: family,
                                            comment: nftRule.comment, handle: nftRule.handle)
            table.chains[index].rules.append(rule)
        }
        return table
    }

    /// GETCHAIN cannot filter by table: filter here.
    private func chains(family: TableFamily, table: String, label: String) throws(NetlinkError) -> [NftChain] {
        var chains: [NftChain] = []
        try socket.dump(.getChain, family: family.nfproto, operation: "listing chains of \(label)") { header throws(NetlinkError) in
            let chain = NftChain()
            guard chain.parse(header) else { throw NetlinkError(errno: EINVAL, operation: "parsing a chain of \(label)") }
            if chain.table == table { chains.append(chain) }
        }
        return chains
    }

    private func sets(family: TableFamily, table: String, label: String) throws(NetlinkError) -> [NftSet] {
        var sets: [NftSet] = []
        let request = NftSet(family: family, table: table, name: "")
        nftnl_set_unset(request.pointer, attribute(NFTNL_SET_NAME))
        try socket.dump(.getSet, family: family.nfproto, operation: "listing sets of \(label)", request: request.build) { header throws(NetlinkError) in
            let set = NftSet()
            guard set.parse(header) else { throw NetlinkError(errno: EINVAL, operation: "parsing a set of \(label)") }
            if set.table == table { sets.append(set) }
        }
        return sets
    }

    /// The set's elements as the kernel dumps them (descending, interval ends flagged).
    /// Each reply message is parsed into a libnftnl set of its own and freed as soon as its
    /// elements are copied out: libnftnl's element objects take about 300 bytes each, so
    /// holding all of a 900 k-prefix set's (1.8 M elements) in one set cost over 500 MB.
    private func elements(of set: String, family: TableFamily, table: String) throws(NetlinkError) -> [KernelSetElement] {
        let request = NftSet(family: family, table: table, name: set)
        var elements: [KernelSetElement] = []
        try socket.dump(.getSetElement, family: family.nfproto, operation: "listing elements of set \(set)",
                        request: request.buildElements) { header throws(NetlinkError) in
            let chunk = NftSet()
            guard chunk.parseElements(header) else { throw NetlinkError(errno: EINVAL, operation: "parsing elements of set \(set)") }
            chunk.appendElements(to: &elements)
        }
        return elements
    }

    private func rules(family: TableFamily, table: String, label: String) throws(NetlinkError) -> [NftRule] {
        let request = NftRule()
        nftnl_rule_set_u32(request.pointer, attribute(NFTNL_RULE_FAMILY), UInt32(family.nfproto))
        nftnl_rule_set_str(request.pointer, attribute(NFTNL_RULE_TABLE), table)
        var rules: [NftRule] = []
        try socket.dump(.getRule, family: family.nfproto, operation: "listing rules of \(label)", request: request.build) { header throws(NetlinkError) in
            let rule = NftRule()
            guard rule.parse(header) else { throw NetlinkError(errno: EINVAL, operation: "parsing a rule of \(label)") }
            if rule.table == table { rules.append(rule) }
        }
        return rules
    }
}

extension KernelReader {
    /// Each set's raw user data and flags, to hold spoofguard's encoding against nft's.
    func setMetadata(family: TableFamily, table: String) throws(NetlinkError) -> [String: (flags: UInt32, userData: [UInt8])] {
        var result: [String: (flags: UInt32, userData: [UInt8])] = [:]
        for set in try sets(family: family, table: table, label: "\(family.rawValue) table \(table)") {
            result[set.name] = (set.flags, set.userData)
        }
        return result
    }
}
