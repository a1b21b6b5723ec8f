/// How an IP packet sits inside its Ethernet frame: the 802.1Q/802.1ad tags in front of it,
/// outermost first, and whether it rides in a PPPoE session (RFC 2516). The packet model
/// carries it, the compiler guards the kinds the kernel leaves wrapped, and the evaluator
/// builds the frame bytes a link-layer load sees from it.
///
/// Kernel facts (measured on 6.18, ADDRESSES.md): before the netdev ingress and bridge hooks
/// the kernel moves ONE tag into skb metadata, so `meta protocol`/`ip saddr` see through a
/// single tag. A second tag and PPPoE keep `meta protocol` at 0x8100/0x8864: the plain guard
/// rules never see those packets. A `@ll` load sees the frame with the moved tag put back
/// (nft_payload_copy_vlan), which is why the guard rules for them load from the link layer.
///
/// Fixed-size (the tags inline, an `InlineStack`): it rides in every packet through the
/// evaluator, so it must copy without reference counting.
public struct LinkEncapsulation: Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// One 802.1Q (0x8100) or 802.1ad (0x88a8) tag.
    public struct Tag: Hashable, Sendable, BitwiseCopyable {
        public var tpid: EtherType
        /// Priority, DEI and VLAN id.
        public var tci: UInt16
        public init(_ tpid: EtherType, tci: UInt16 = 1) {
            self.tpid = tpid
            self.tci = tci
        }

        /// `802.1Q`, `802.1ad`, `0x9100`: how reports and JSON packets name the tag.
        public var name: String {
            switch tpid {
            case .vlan8021Q: "802.1Q"
            case .vlan8021AD: "802.1ad"
            case .ipv4, .ipv6, .pppoeSession, .vlan9100: tpid.hex
            }
        }
    }

    /// Reads the form `description` writes (`802.1ad+802.1Q`, `802.1Q+PPPoE`, `untagged`):
    /// tags outermost first, PPPoE last. nil for anything else.
    public init?(name: String) {
        self.init()
        if name == "untagged" { return }
        let parts = name.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
        for (index, part) in parts.enumerated() {
            if part.lowercased() == "pppoe", index == parts.count - 1 {
                pppoeSession = 1
            } else if let tpid = [EtherType.vlan8021Q, .vlan8021AD, .vlan9100].first(where: { Tag($0).name.lowercased() == part.lowercased() }),
                      !tags.isFull {
                tags.append(Tag(tpid))
            } else {
                return nil
            }
        }
        guard !parts.isEmpty else { return nil }
    }

    /// Stacked tags a decoder accepts before calling the frame bad.
    public static let maximumTags = Tags.maximumCount
    public typealias Tags = InlineStack<8, Tag>

    public var tags: Tags
    /// The PPPoE session id when the packet travels in a PPPoE session frame.
    public var pppoeSession: UInt16?

    public init(tags: Tags = [], pppoeSession: UInt16? = nil) {
        self.tags = tags
        self.pppoeSession = pppoeSession
    }

    public static let untagged = LinkEncapsulation()

    /// The kinds the kernel does not unwrap before the bridge and ingress hooks, each of which
    /// the compiler guards with rules of its own: QinQ (802.1ad outer, 802.1Q inner), two
    /// 802.1Q tags, PPPoE, and PPPoE behind one 802.1Q tag (most DSL lines).
    public static let guarded: [LinkEncapsulation] = [
        LinkEncapsulation(tags: [Tag(.vlan8021AD), Tag(.vlan8021Q)]),
        LinkEncapsulation(tags: [Tag(.vlan8021Q), Tag(.vlan8021Q)]),
        LinkEncapsulation(pppoeSession: 1),
        LinkEncapsulation(tags: [Tag(.vlan8021Q)], pppoeSession: 1),
    ]

    /// Whether the kernel still hides the IP packet from `meta protocol` at the bridge and
    /// ingress hooks: more than one tag, a tag it does not offload (0x9100), or PPPoE.
    public var isWrappedForHooks: Bool {
        tags.count > 1 || pppoeSession != nil || (tags.count == 1 && !tags[0].tpid.isOffloadedTag)
    }

    /// The shape without the VLAN ids and session id: what a verdict or a kernel stage
    /// depends on, so that totals count one line per kind, not per VLAN.
    public var kind: Kind {
        var tagTypes = Kind.TagTypes()
        for tag in tags { tagTypes.append(tag.tpid) }
        return Kind(tagTypes: tagTypes, pppoe: pppoeSession != nil)
    }

    /// An encapsulation's shape: the types of its tags, outermost first, and whether a PPPoE
    /// session follows them. A byte a tag, so that a `Decision` naming one (a kernel stage)
    /// stays small enough to return in registers on the evaluator's per-packet path.
    public struct Kind: Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
        public typealias TagTypes = InlineStack<8, EtherType>
        public var tagTypes: TagTypes
        public var pppoe: Bool

        public init(tagTypes: TagTypes, pppoe: Bool) {
            self.tagTypes = tagTypes
            self.pppoe = pppoe
        }

        /// `802.1ad+802.1Q`, `PPPoE`, `802.1Q+PPPoE`, `untagged`.
        public var description: String {
            var parts = tagTypes.map { Tag($0).name }
            if pppoe { parts.append("PPPoE") }
            return parts.isEmpty ? "untagged" : parts.joined(separator: "+")
        }
    }

    /// Byte offset of the IP header from the start of the frame.
    public var networkOffset: UInt32 {
        ProtocolHeader.ethernet.length + UInt32(tags.count) * ProtocolHeader.vlan.length
            + (pppoeSession == nil ? 0 : ProtocolHeader.pppoeSession.length)
    }

    /// The frame up to the IP header, for a packet of `family` carrying `networkLength` bytes
    /// from the IP header on (MAC addresses are zero: spoofguard never matches them).
    public func linkHeader(for family: AddressFamily, networkLength: Int) -> [UInt8] {
        let ipType = family == .ipv4 ? EtherType.ipv4 : EtherType.ipv6
        var bytes = [UInt8](repeating: 0, count: 12)
        for tag in tags { bytes += tag.tpid.bytes + [UInt8(tag.tci >> 8), UInt8(tag.tci & 0xff)] }
        guard let session = pppoeSession else { return bytes + ipType.bytes }
        // RFC 2516 §4: version 1, type 1, code 0 (session data), length = PPP protocol + payload.
        let length = UInt16(clamping: networkLength + 2)
        return bytes + EtherType.pppoeSession.bytes
            + [0x11, 0x00, UInt8(session >> 8), UInt8(session & 0xff), UInt8(length >> 8), UInt8(length & 0xff)]
            + PPPProtocol.bytes(family)
    }

    /// The link-layer matches that select this encapsulation carrying `family`, as
    /// (frame offset, value) pairs of two-byte fields, in the order the rule tests them.
    /// The PPP protocol comes first: nft 1.0.6 lists a raw load that follows a `vlan type`
    /// with the wrong offset (`@ll,192,16` as `@ll,80,16`), and listed text must load back.
    public func selectors(for family: AddressFamily) -> [(field: HeaderField, frameOffset: UInt32, value: [UInt8])] {
        let ipType = family == .ipv4 ? EtherType.ipv4 : EtherType.ipv6
        // The type field that names header k + 1: Ethernet's, then each tag's (a tag's type
        // field ends it, so the k-th sits one tag length further on).
        func typeField(_ k: Int) -> (HeaderField, UInt32) {
            let field = k == 0 ? ProtocolHeader.ethernet.field(named: "type")! : ProtocolHeader.vlan.field(named: "type")!
            let headerStart = k == 0 ? 0 : ProtocolHeader.ethernet.length + UInt32(k - 1) * ProtocolHeader.vlan.length
            return (field, headerStart + field.offset)
        }
        var result: [(field: HeaderField, frameOffset: UInt32, value: [UInt8])] = tags.enumerated().map { k, tag in
            let (field, offset) = typeField(k)
            return (field, offset, tag.tpid.bytes)
        }
        let (lastType, lastOffset) = typeField(tags.count)
        guard pppoeSession != nil else { return result + [(lastType, lastOffset, ipType.bytes)] }
        result.append((lastType, lastOffset, EtherType.pppoeSession.bytes))
        let protocolField = ProtocolHeader.pppoeSession.field(named: "protocol")!
        let pppoeStart = ProtocolHeader.ethernet.length + UInt32(tags.count) * ProtocolHeader.vlan.length
        return [(protocolField, pppoeStart + protocolField.offset, PPPProtocol.bytes(family))] + result
    }

    /// `802.1ad+802.1Q`, `PPPoE`, `802.1Q+PPPoE`, `untagged`.
    public var description: String { kind.description }
}

/// PPP protocol numbers (RFC 1661 §2, IANA PPP DLL protocol numbers) of the IP packets a
/// PPPoE session carries.
public enum PPPProtocol {
    public static let ipv4: UInt16 = 0x0021
    public static let ipv6: UInt16 = 0x0057

    public static func bytes(_ family: AddressFamily) -> [UInt8] {
        let value = family == .ipv4 ? ipv4 : ipv6
        return [UInt8(value >> 8), UInt8(value & 0xff)]
    }
}
