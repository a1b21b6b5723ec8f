/// JSON forms of evaluation and verification results, for `dry-run --json` and `verify --json`.
/// Address counts are decimal strings: 2^128 does not fit a JSON number that parsers keep exact.
extension RuleReference {
    public var json: OrderedJSON {
        var members: [(key: String, value: OrderedJSON)] = [
            ("family", .string(tableFamily.rawValue)), ("table", .string(table)), ("chain", .string(chain)),
            ("index", .integer(Int64(index))),
            ("comment", comment.map(OrderedJSON.string) ?? .null), ("nft", .string(nftText)),
        ]
        if let handle { members.append(("handle", .unsigned(handle))) }
        return .object(members)
    }
}

extension Decider {
    public var json: OrderedJSON {
        switch self {
        case .rule(let rule, let via):
            .object([("type", "rule"), ("rule", rule.json), ("via", via?.json ?? .null)])
        case .chainPolicy(let chain):
            .object([("type", "chain-policy"), ("family", .string(chain.tableFamily.rawValue)),
                     ("table", .string(chain.table)), ("chain", .string(chain.chain))])
        case .kernel(let stage):
            .object([("type", "kernel"), ("stage", .string(stage.description))])
        case .nobody:
            .object([("type", "nobody")])
        }
    }
}

extension Packet {
    public var json: OrderedJSON {
        var members: [(key: String, value: OrderedJSON)] = [
            ("iif", .string(inputInterface.name)), ("iif_kind", .string(inputInterface.kind.rawValue)),
            ("src", .string(source.description)), ("dst", .string(destination.description)),
        ]
        if let transport { members.append(("proto", .string(transport.description))) }
        if let sourcePort { members.append(("sport", .integer(Int64(sourcePort)))) }
        if let destinationPort { members.append(("dport", .integer(Int64(destinationPort)))) }
        members.append(("length", .integer(Int64(length))))
        if routeLocalnet { members.append(("route_localnet", .bool(true))) }
        if let expected { members.append(("expect", .string(expected.rawValue))) }
        if encapsulation != .untagged { members.append(("encapsulation", .string(encapsulation.description))) }
        return .object(members)
    }
}

extension DryRunText {
    /// One packet's result as a JSON object.
    public static func json(number: Int, packet: Packet, verdict: PacketVerdict, decider: Decider) -> OrderedJSON {
        var members: [(key: String, value: OrderedJSON)] = [
            ("number", .integer(Int64(number))), ("packet", packet.json),
            ("verdict", .string(word(verdict))), ("decided_by", decider.json),
        ]
        if let expected = packet.expected { members.append(("mismatch", .bool((expected == .drop) != verdict.isDrop))) }
        return .object(members)
    }

    public static func totalsJSON(_ tally: DryRunTally, _ evaluator: Evaluator) -> OrderedJSON {
        .object([
            ("packets", .integer(Int64(tally.packets))), ("accepted", .integer(Int64(tally.accepted))),
            ("dropped", .integer(Int64(tally.dropped))), ("rejected", .integer(Int64(tally.rejected))),
            ("by_decider", .array(tally.deciders(evaluator).map { entry in
                .object([("decided_by", entry.decider.json), ("packets", .integer(Int64(entry.packets)))])
            })),
            ("mismatches", .array(tally.mismatches.map { mismatch in
                .object([("number", .integer(Int64(mismatch.number))), ("packet", mismatch.packet.json),
                         ("expected", .string(mismatch.expected.rawValue)), ("verdict", .string(word(mismatch.verdict))),
                         ("decided_by", evaluator.decider(mismatch.decision).json)])
            })),
        ])
    }
}

extension AddressCount {
    /// The exact count in decimal.
    public var decimal: String { isFullIPv6Space ? "340282366920938463463374607431768211456" : String(value) }
}

extension VerificationReport {
    public var json: OrderedJSON {
        .object([
            ("proved", .bool(holds)),
            ("classes", .array(classes.map { .object([("class", .string($0.description)), ("interface", .string($0.name)),
                                                      ("external", .bool($0.isExternal))]) })),
            ("results", .array(results.map(\.json))),
            ("notes", .array(notes.map(OrderedJSON.string))),
        ])
    }
}

extension PropertyResult {
    public var json: OrderedJSON {
        var members: [(key: String, value: OrderedJSON)] = [
            ("property", .string(property.rawValue)), ("class", .string(interfaceClass.description)),
            ("interface", .string(interfaceClass.name)), ("family", .string(family.rawValue)), ("path", .string(path.rawValue)),
            ("encapsulation", .string(encapsulation.description)), ("holds", .bool(holds)), ("sources", .string(sources.decimal)), ("destinations", .string(destinations.decimal)),
        ]
        if let counterexample {
            var example: [(key: String, value: OrderedJSON)] = [
                ("packet", counterexample.packet.json), ("verdict", .string(DryRunText.word(counterexample.verdict))),
                ("decided_by", counterexample.decider.json),
            ]
            if let condition = counterexample.condition { example.append(("condition", .string(condition))) }
            members.append(("counterexample", .object(example)))
        }
        if let kernel {
            members.append(("kernel", .object([
                ("drops_all", .bool(kernel.dropsAll)), ("drops_some", .bool(kernel.dropsSome)),
                ("stages", .array(kernel.stages.map { .string($0.description) })),
                ("gap_example", kernel.gapExample?.json ?? .null),
            ])))
        }
        return .object(members)
    }
}
