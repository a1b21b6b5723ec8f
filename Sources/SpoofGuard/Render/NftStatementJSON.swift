/// libnftables JSON of each IR statement, beside its text form in NftStatementText.swift.
/// The `reject` type depends on the rest of the rule and is chosen in NftJSONRenderer.
extension Match {
    var nftJSON: OrderedJSON {
        ["match": ["op": isNegated ? "!=" : "==", "left": subject.nftJSON, "right": value.nftJSON]]
    }
}

extension MatchSubject {
    var nftJSON: OrderedJSON {
        switch self {
        case .inputInterfaceName: ["meta": ["key": "iifname"]]
        case .networkFamily: ["meta": ["key": "nfproto"]]
        case .address(let family, let field):
            HeaderField.address(family, field).nftJSON
        case .payload(let load):
            ["payload": ["base": .string(load.base.nftShortName), "offset": .unsigned(UInt64(load.offset * 8)),
                         "len": .unsigned(UInt64(load.length * 8))]]
        }
    }
}

extension HeaderField {
    /// `{"payload": {"protocol": "ip", "field": "saddr"}}`.
    var nftJSON: OrderedJSON {
        ["payload": ["protocol": .string(header.description), "field": .string(name)]]
    }
}

extension MatchValue {
    var nftJSON: OrderedJSON {
        switch self {
        case .set(let name): .string("@" + name)
        case .interface(let pattern): .string(pattern.description)
        case .family(let family): .string(family == .ipv4 ? "ipv4" : "ipv6")
        case .prefix(.v4(let prefix)): NftJSONRenderer.prefixValue(prefix)
        case .prefix(.v6(let prefix)): NftJSONRenderer.prefixValue(prefix)
        case .bytes(let bytes): .string(NftSyntax.hex(bytes))
        }
    }
}

extension Counter {
    var nftJSON: OrderedJSON { ["counter": ["packets": .unsigned(packets), "bytes": .unsigned(bytes)]] }
}

extension RateLimit {
    var nftJSON: OrderedJSON {
        ["limit": ["rate": .unsigned(rate), "burst": .unsigned(UInt64(burst)), "per": .string(unit.rawValue)]]
    }
}

extension Log {
    /// `{"log": null}` when neither prefix nor group is set, as `nft -j list` prints it.
    var nftJSON: OrderedJSON {
        var members: [(key: String, value: OrderedJSON)] = []
        if let prefix { members.append(("prefix", .string(prefix))) }
        if let group { members.append(("group", .unsigned(UInt64(group)))) }
        return ["log": members.isEmpty ? .null : .object(members)]
    }
}

extension Verdict {
    var nftJSON: OrderedJSON {
        switch self {
        case .accept: ["accept": .null]
        case .drop: ["drop": .null]
        case .continue: ["continue": .null]
        case .return: ["return": .null]
        case .jump(let chain): ["jump": ["target": .string(chain)]]
        case .goto(let chain): ["goto": ["target": .string(chain)]]
        }
    }
}
