/// nft's spelling of each IR statement. Everything that depends on the rest of the rule
/// (which family a `reject` answers in, dependencies nft hides) lives in `NftRuleText`.
extension Match {
    /// - Parameter namedField: the header field nft's protocol context names a raw load by
    ///   (`ether type`, `vlan type`), found by `LinkLayerContext`; its value is then an EtherType.
    func nftText(namedField: HeaderField? = nil) -> String {
        let subjectText: String
        switch subject {
        case .inputInterfaceName: subjectText = "iifname"
        case .address(let family, let field): subjectText = HeaderField.address(family, field).description
        case .networkFamily: subjectText = "meta nfproto"
        case .payload(let load):
            if let namedField, case .bytes(let data) = value, let type = EtherType(bytes: data) {
                return "\(namedField)" + (isNegated ? " != " : " ") + type.nftName
            }
            subjectText = load.description
        }
        return subjectText + (isNegated ? " != " : " ") + value.nftText()
    }
}

extension MatchValue {
    func nftText() -> String {
        switch self {
        case .set(let name): "@" + name
        case .interface(let pattern): NftSyntax.quoted(pattern.description)
        case .prefix(let prefix): NftSyntax.addressText(prefix)
        case .family(let family): family == .ipv4 ? "ipv4" : "ipv6"
        case .bytes(let bytes): NftSyntax.hex(bytes)
        }
    }
}

extension Counter {
    func nftText() -> String { "counter packets \(packets) bytes \(bytes)" }
}

extension RateLimit {
    /// nft leaves out its default burst of 5 packets. (A burst of 0 cannot be written at all;
    /// `RenderProblem` reports it.)
    func nftText() -> String {
        var text = "limit rate \(rate)/\(unit.rawValue)"
        if burst != 5 && burst != 0 { text += " burst \(burst) packets" }
        return text
    }
}

extension Log {
    func nftText() -> String {
        var text = "log"
        if let prefix { text += " prefix " + NftSyntax.quoted(prefix) }
        if let group { text += " group \(group)" }
        return text
    }
}

extension Reject {
    /// `answerFamily` is the address family the rule has narrowed the packet to, if any:
    /// nft then sends (and lists) an ICMP or ICMPv6 reject instead of the family-neutral icmpx.
    /// In ip and ip6 tables the family's own ICMP is the default and nft lists a bare `reject`.
    func nftText(tableFamily: TableFamily, answerFamily: AddressFamily?) -> String {
        let kind = RejectEncoding(self, tableFamily: tableFamily, answerFamily: answerFamily).kind
        if tableFamily == .ip || tableFamily == .ip6, kind != .tcpReset { return "reject" }
        switch kind {
        case .tcpReset: return "reject with tcp reset"
        case .icmpx: return "reject"
        case .icmp: return "reject with icmp port-unreachable"
        case .icmpv6: return "reject with icmpv6 port-unreachable"
        }
    }
}

extension Verdict {
    func nftText() -> String {
        switch self {
        case .accept: "accept"
        case .drop: "drop"
        case .continue: "continue"
        case .return: "return"
        case .jump(let chain): "jump " + chain
        case .goto(let chain): "goto " + chain
        }
    }
}
