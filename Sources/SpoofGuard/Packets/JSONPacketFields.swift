/// The keys of one packet object and their checks.
struct JSONPacketFields {
    static let keys = ["iif", "iif_kind", "src", "dst", "proto", "sport", "dport", "length", "route_localnet", "expect", "encapsulation"]
    static let protocolNames: [(String, UInt8)] = [
        ("tcp", 6), ("udp", 17), ("icmp", 1), ("icmpv6", 58), ("sctp", 132), ("udplite", 136), ("dccp", 33),
        ("gre", 47), ("esp", 50), ("ah", 51),
    ]

    static let protocolNameList = protocolNames.map(\.0).joined(separator: ", ")

    let file: String
    let record: Int
    let line: Int
    let byteOffset: Int

    func error(_ member: StrictJSON.Member?, key: String, _ reason: String, fix: String? = nil) -> PacketInputError {
        PacketInputError(file: file, location: .init(record: record, line: member?.keyPosition.line ?? line, byteOffset: byteOffset, key: key),
                         reason: reason, fix: fix)
    }

    /// The members of one object by key, without hashing (there are eleven keys).
    struct MembersByKey {
        var slots = [StrictJSON.Member?](repeating: nil, count: JSONPacketFields.keys.count)
        subscript(key: String) -> StrictJSON.Member? {
            guard let slot = JSONPacketFields.keys.firstIndex(of: key) else { return nil }
            return slots[slot]
        }
    }

    mutating func decode(_ members: [StrictJSON.Member], resolver: InterfaceResolver,
                         lastInterface: inout InputInterface?) throws(PacketInputError) -> Packet {
        var byKey = MembersByKey()
        for member in members {
            guard let slot = Self.keys.firstIndex(of: member.key) else {
                var fix = "the keys are " + Self.keys.joined(separator: ", ")
                if let near = Self.keys.min(by: { editDistance($0, member.key) < editDistance($1, member.key) }),
                   editDistance(near, member.key) <= 2 {
                    fix = "did you mean \"\(near)\"?"
                }
                throw error(member, key: member.key, "is not a packet key", fix: fix)
            }
            byKey.slots[slot] = member
        }

        let source = try address(byKey["src"], key: "src")
        let destination = try address(byKey["dst"], key: "dst")
        guard source.family == destination.family else {
            throw error(byKey["dst"], key: "dst",
                        "is \(destination.family) but \"src\" is \(source.family); a packet has one family",
                        fix: "write an IPv4 peer of an IPv6 address as ::ffff:a.b.c.d")
        }

        var transport: TransportProtocol?
        if let member = byKey["proto"] { transport = try transportProtocol(member, family: source.family) }
        var sourcePort: UInt16?
        var destinationPort: UInt16?
        for key in ["sport", "dport"] {
            guard let member = byKey[key] else { continue }
            let port = UInt16(try integer(member, key: key, in: 0...65535))
            guard let number = transport?.number, NetworkProtocolNumbers.carriesPorts(number) else {
                throw error(member, key: key, "needs a transport with ports",
                            fix: "add \"proto\": \"tcp\" or \"udp\" (or sctp, udplite, dccp)")
            }
            if key == "sport" { sourcePort = port } else { destinationPort = port }
        }

        var length: Int?
        if let member = byKey["length"] {
            // IPv4's total length counts its header; IPv6's payload length does not.
            let minimum = Int(ProtocolHeader(source.family).length)
            length = try integer(member, key: "length", in: minimum...(source.family == .ipv4 ? 65535 : 65535 + minimum),
                                 what: "a layer-3 length in bytes (IP header included)")
        }

        var routeLocalnet = false
        if let member = byKey["route_localnet"] { routeLocalnet = try boolean(member, key: "route_localnet") }

        var encapsulation = LinkEncapsulation.untagged
        if let member = byKey["encapsulation"] {
            let text = try string(member, key: "encapsulation")
            guard let parsed = LinkEncapsulation(name: text) else {
                throw error(member, key: "encapsulation", "\"\(text)\" is not a link-layer encapsulation",
                            fix: "write the tags outermost first and PPPoE last, joined by +: \"802.1Q\", \"802.1ad+802.1Q\", \"PPPoE\", \"802.1Q+PPPoE\", or \"untagged\"")
            }
            encapsulation = parsed
        }

        var expected: ExpectedVerdict?
        if let member = byKey["expect"] {
            let text = try string(member, key: "expect")
            guard let verdict = ExpectedVerdict(rawValue: text) else {
                throw error(member, key: "expect", "\"\(text)\" is not a verdict", fix: "write \"accept\" or \"drop\"")
            }
            expected = verdict
        }

        var recorded: InputInterface?
        if let member = byKey["iif"] {
            let name = try string(member, key: "iif")
            if let last = lastInterface, last.name == name {
                recorded = last
            } else {
                recorded = try interface(named: name, member)
                lastInterface = recorded
            }
        }
        var interface = resolver.resolve(recorded)
        if let member = byKey["iif_kind"] {
            let text = try string(member, key: "iif_kind")
            guard let kind = InputInterface.Kind(rawValue: text) else {
                throw error(member, key: "iif_kind", "\"\(text)\" is not an interface kind",
                            fix: "write one of " + InputInterface.Kind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
            }
            if resolver.override == nil { interface?.kind = kind }
        }
        guard let interface else {
            throw error(nil, key: "iif", "is missing, and no --iif was given",
                        fix: "add \"iif\": \"eth0\" (the interface the packet arrived on) or pass --iif NAME")
        }
        var packet = Packet(inputInterface: interface, source: source, destination: destination, transport: transport,
                            sourcePort: sourcePort, destinationPort: destinationPort, length: length,
                            routeLocalnet: routeLocalnet, expected: expected)
        packet.encapsulation = encapsulation
        return packet
    }

    private func interface(named name: String, _ member: StrictJSON.Member) throws(PacketInputError) -> InputInterface {
        let pattern: InterfacePattern
        do throws(InterfaceNameError) {
            pattern = try InterfacePattern(parsing: name)
        } catch {
            throw self.error(member, key: "iif", error.description, fix: "write a kernel interface name such as \"eth0\"")
        }
        if pattern.isWildcard {
            throw error(member, key: "iif", "\"\(name)\" is a wildcard", fix: "name the one interface the packet arrived on")
        }
        return InputInterface(name: name)
    }

    private func address(_ member: StrictJSON.Member?, key: String) throws(PacketInputError) -> IPAddress {
        guard let member else {
            throw error(nil, key: key, "is missing", fix: "add \"\(key)\": \"192.0.2.1\" (or an IPv6 address)")
        }
        let text = try string(member, key: key)
        do throws(AddressParseError) {
            return try IPAddress(parsing: text)
        } catch {
            throw self.error(member, key: key, error.description,
                             fix: error.suggestion.map { "write \"\($0)\"" } ?? "write a dotted quad such as 127.0.0.1 or an IPv6 address such as ::1")
        }
    }

    private func transportProtocol(_ member: StrictJSON.Member, family: AddressFamily) throws(PacketInputError) -> TransportProtocol {
        let names = Self.protocolNameList
        let number: UInt8
        switch member.value.kind {
        case .string(let text):
            guard let entry = Self.protocolNames.first(where: { $0.0 == text }) else {
                throw error(member, key: "proto", "\"\(text)\" is not a known protocol name",
                            fix: "write one of \(names), or the protocol number 0-255")
            }
            number = entry.1
        case .number:
            number = UInt8(try integer(member, key: "proto", in: 0...255, what: "a protocol name or number"))
        default:
            throw error(member, key: "proto", "must be a protocol name or number, not \(member.value.typeName)",
                        fix: "write one of \(names), or the protocol number 0-255")
        }
        if number == 1 && family == .ipv6 {
            throw error(member, key: "proto", "icmp is IPv4's; this packet is IPv6", fix: "write \"icmpv6\"")
        }
        if number == 58 && family == .ipv4 {
            throw error(member, key: "proto", "icmpv6 is IPv6's; this packet is IPv4", fix: "write \"icmp\"")
        }
        return TransportProtocol(number: number)
    }

    private func string(_ member: StrictJSON.Member, key: String) throws(PacketInputError) -> String {
        guard case .string(let text) = member.value.kind else {
            throw error(member, key: key, "must be a string, not \(member.value.typeName)", fix: "put the value in double quotes")
        }
        return text
    }

    private func integer(_ member: StrictJSON.Member, key: String, in range: ClosedRange<Int>,
                         what: String = "an integer") throws(PacketInputError) -> Int {
        let bounds = "\(range.lowerBound)-\(range.upperBound)"
        switch member.value.kind {
        case .number(let text):
            guard !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) else {
                throw error(member, key: key, "\(text) is not a whole number", fix: "write \(what) in \(bounds)")
            }
            guard let value = Int(text) else {
                throw error(member, key: key, "\(text) is out of range", fix: "write \(what) in \(bounds)")
            }
            guard range.contains(value) else {
                throw error(member, key: key, "\(value) is out of range", fix: "write \(what) in \(bounds)")
            }
            return value
        case .string(let text) where Int(text) != nil:
            throw error(member, key: key, "must be a number, not a string", fix: "write \(text) without quotes")
        default:
            throw error(member, key: key, "must be \(what), not \(member.value.typeName)", fix: "write \(what) in \(bounds)")
        }
    }

    private func boolean(_ member: StrictJSON.Member, key: String) throws(PacketInputError) -> Bool {
        guard case .bool(let value) = member.value.kind else {
            throw error(member, key: key, "must be true or false, not \(member.value.typeName)", fix: "write true or false without quotes")
        }
        return value
    }
}

/// Levenshtein distance, for "did you mean" on misspelt keys.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8)
    let b = Array(b.utf8)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    var current = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
