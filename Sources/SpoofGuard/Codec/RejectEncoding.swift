/// How nft turns a `reject` into the kernel's reject expression. The choice depends on the
/// table family and on what the rule matched before the reject, so the renderers and the
/// netlink layer must take it from here to produce the same kernel rule as `nft -f`.
/// (Observed with `nft --debug=netlink` on nftables 1.0.6.)
public struct RejectEncoding: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case icmp, icmpv6, icmpx
        case tcpReset = "tcp reset"
    }

    public var kind: Kind

    /// `NFT_REJECT_ICMP_UNREACH` (0), `NFT_REJECT_TCP_RST` (1) or `NFT_REJECT_ICMPX_UNREACH` (2).
    public var kernelType: UInt32 {
        switch kind {
        case .icmp, .icmpv6: 0
        case .tcpReset: 1
        case .icmpx: 2
        }
    }

    /// Port unreachable: ICMP code 3, ICMPv6 code 4, `NFT_REJECT_ICMPX_PORT_UNREACH` (1).
    public var kernelCode: UInt8 {
        switch kind {
        case .icmp: 3
        case .icmpv6: 4
        case .icmpx: 1
        case .tcpReset: 0
        }
    }

    /// The encoding a kernel reject expression stands for; nil for a type and code nft does
    /// not write for spoofguard's two reject forms.
    public init?(kernelType: UInt32, kernelCode: UInt8) {
        guard let kind = Kind.allCases.first(where: { Self(kind: $0).kernelType == kernelType && Self(kind: $0).kernelCode == kernelCode }) else {
            return nil
        }
        self.kind = kind
    }

    private init(kind: Kind) { self.kind = kind }

    /// The IR statement this encoding carries.
    public var reject: Reject { kind == .tcpReset ? .tcpReset : .portUnreachable }

    /// nft precedes a TCP reset with `meta l4proto tcp` at the very start of the rule, in every
    /// family (`nft list` shows it in inet, netdev and bridge tables, and hides it in ip/ip6).
    public var needsTCPDependency: Bool { kind == .tcpReset }

    /// `answerFamily`: the address family the rule narrowed the packet to before the reject.
    init(_ reject: Reject, tableFamily: TableFamily, answerFamily: AddressFamily?) {
        switch (reject, tableFamily, answerFamily) {
        case (.tcpReset, _, _): kind = .tcpReset
        case (.portUnreachable, .ip, _): kind = .icmp
        case (.portUnreachable, .ip6, _): kind = .icmpv6
        case (.portUnreachable, _, .ipv4?): kind = .icmp
        case (.portUnreachable, _, .ipv6?): kind = .icmpv6
        case (.portUnreachable, _, nil): kind = .icmpx
        }
    }
}

extension Rule {
    /// The encoding of each `reject` statement of the rule, by statement index.
    public func rejectEncodings(in family: TableFamily) -> [Int: RejectEncoding] {
        let analysis = NftRuleAnalysis(self, family: family)
        var encodings: [Int: RejectEncoding] = [:]
        for (index, statement) in statements.enumerated() {
            if case .reject(let reject) = statement {
                encodings[index] = RejectEncoding(reject, tableFamily: family, answerFamily: analysis.answerFamily[index])
            }
        }
        return encodings
    }
}
