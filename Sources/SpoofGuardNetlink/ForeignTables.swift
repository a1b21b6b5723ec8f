internal import CNetfilter
import Glibc
import SpoofGuard

/// Every base chain of every table in every family, with each rule reduced to the
/// expressions that can rewrite an address or take the packet away (`RuleEffect`).
/// Read-only dumps; spoofguard's own table is read in full by `KernelReader` instead.
struct ForeignTables {
    let socket: NetlinkSocket

    func baseChains() throws(NetlinkError) -> [HostChain] {
        var chains: [HostChain] = []
        var index: [ChainKey: Int] = [:]
        try socket.dump(.getChain, family: 0, operation: "listing every chain") { header throws(NetlinkError) in
            let chain = NftChain()
            guard chain.parse(header) else { throw NetlinkError(errno: EINVAL, operation: "parsing a chain") }
            guard nftnl_chain_is_set(chain.pointer, attribute(NFTNL_CHAIN_HOOKNUM)),
                  let family = TableFamily(nfproto: UInt8(truncatingIfNeeded: chain.family)) else { return }
            let hookNumber = nftnl_chain_get_u32(chain.pointer, attribute(NFTNL_CHAIN_HOOKNUM))
            let type = nftnl_chain_get_str(chain.pointer, attribute(NFTNL_CHAIN_TYPE)).map { String(cString: $0) } ?? "filter"
            index[ChainKey(family: family, table: chain.table, chain: chain.name)] = chains.count
            chains.append(HostChain(family: family, table: chain.table, name: chain.name, hook: Self.hook(hookNumber, family),
                                    priority: chain.priority, type: type, policy: chain.policy, devices: chain.devices))
        }
        let request = NftRule()
        try socket.dump(.getRule, family: 0, operation: "listing every rule", request: request.build) { header throws(NetlinkError) in
            let rule = NftRule()
            guard rule.parse(header) else { throw NetlinkError(errno: EINVAL, operation: "parsing a rule") }
            let family = TableFamily(nfproto: UInt8(truncatingIfNeeded: nftnl_rule_get_u32(rule.pointer, attribute(NFTNL_RULE_FAMILY))))
            guard let family, let position = index[ChainKey(family: family, table: rule.table, chain: rule.chain)] else { return }
            chains[position].rules.append(HostRule(handle: rule.handle, effects: rule.effects()))
        }
        return chains
    }

    struct ChainKey: Hashable {
        var family: TableFamily
        var table: String
        var chain: String
    }

    /// inet's ingress hook is number 5 (NF_INET_INGRESS), netdev's 0; arp's hooks are not modelled.
    static func hook(_ number: UInt32, _ family: TableFamily) -> Hook? {
        switch family {
        case .arp: nil
        case .netdev: number == 0 ? .ingress : nil
        case .inet where number == 5: .ingress
        default: Hook(kernelNumber: number, family: family)
        }
    }
}

extension NftRule {
    /// The expressions that matter to the audit: address writes, NAT, fwd, dup, queue.
    func effects() -> [RuleEffect] {
        var effects: [RuleEffect] = []
        guard let iterator = nftnl_expr_iter_create(pointer) else { return effects }
        defer { nftnl_expr_iter_destroy(iterator) }
        while let e = nftnl_expr_iter_next(iterator) {
            func u32(_ attr: Int) -> UInt32 { nftnl_expr_get_u32(e, attribute(attr)) }
            switch String(cString: nftnl_expr_get_str(e, attribute(NFTNL_EXPR_NAME))) {
            case "payload" where nftnl_expr_is_set(e, attribute(NFTNL_EXPR_PAYLOAD_SREG)):
                guard let base = PayloadBase(rawValue: u32(NFTNL_EXPR_PAYLOAD_BASE)) else { continue }
                effects.append(.payloadWrite(base: base, offset: u32(NFTNL_EXPR_PAYLOAD_OFFSET), length: u32(NFTNL_EXPR_PAYLOAD_LEN)))
            case "nat": effects.append(.nat(u32(NFTNL_EXPR_NAT_TYPE) == UInt32(NFT_NAT_SNAT.rawValue) ? "snat" : "dnat"))
            case "masq": effects.append(.nat("masquerade"))
            case "redir": effects.append(.nat("redirect"))
            case "fwd": effects.append(.forward)
            case "dup": effects.append(.duplicate)
            case "queue": effects.append(.queue)
            default: break
            }
        }
        return effects
    }
}
