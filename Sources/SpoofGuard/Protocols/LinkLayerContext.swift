/// nft's link-layer protocol context over one rule: which raw `@ll` loads it lists by name
/// (the text renderer), and where it needs the Ethernet dependency (Linearize, Delinearize).
/// In bridge and netdev tables Ethernet starts the frame, so `@ll,96,16` is `ether type`;
/// once a type names an 802.1Q/802.1ad tag, the tag's own type field is `vlan type`.
/// (nft 1.0.6 also renumbers other raw loads that follow a tag — `@ll,192,16` listed as
/// `@ll,80,16` — so the compiler puts those before the tag matches: LinkEncapsulation.selectors.)
struct LinkLayerContext {
    /// Frame offsets where a header nft knows starts.
    private var headers: [(start: UInt32, header: ProtocolHeader)]

    init(family: TableFamily) {
        headers = family == .bridge || family == .netdev ? [(0, .ethernet)] : []
    }

    /// The field a raw load of `match` is listed as, if nft names it.
    mutating func name(_ match: Match) -> HeaderField? {
        guard case .payload(let load) = match.subject, load.base == .link, case .bytes(let data) = match.value,
              EtherType(bytes: data) != nil else { return nil }
        for (start, header) in headers where load.offset >= start {
            guard let field = header.field(named: "type"), field.offset == load.offset - start, field.length == load.length else { continue }
            if !match.isNegated, EtherType(bytes: data)?.isOffloadedTag == true {
                headers.append((load.offset + field.length, .vlan))
            }
            return field
        }
        return nil
    }
}
