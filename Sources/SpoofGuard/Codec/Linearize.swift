/// IR rule → kernel expressions, exactly as nft 1.0.6 emits them for the same rule text
/// (checked against `nft --debug=netlink`): protocol dependencies before the first address
/// match of a family (`ProtocolContext`), byte-aligned prefixes as short loads, others as a
/// load + bitwise mask. Offsets, lengths and selectors come from `ProtocolHeader`.
public enum Linearize {
    /// - Parameter setIDs: batch-local ids of sets created in the same transaction.
    public static func expressions(
        for rule: Rule, family: TableFamily, setIDs: [String: UInt32] = [:]
    ) throws(LinearizeError) -> [KernelExpression] {
        var output: [KernelExpression] = []
        let register = KernelRegister.first
        let rejects = rule.rejectEncodings(in: family)
        // nft puts the `meta l4proto tcp` that a TCP reset needs at the very start of the rule.
        if rejects.values.contains(where: \.needsTCPDependency), case let .meta(key, value)? = ProtocolHeader.tcp.selector(in: family) {
            output += [.meta(key, destination: register), .cmp(.equal, source: register, data: value)]
        }
        var context = ProtocolContext(table: family)
        var link = LinkLayerContext(family: family)
        var ethernetEstablished = false

        func requireFamily(_ addressFamily: AddressFamily) throws(LinearizeError) {
            if let (key, value) = try context.require(addressFamily) {
                output += [.meta(key, destination: register), .cmp(.equal, source: register, data: value)]
            }
        }

        for (index, statement) in rule.statements.enumerated() {
            switch statement {
            case .match(let match):
                let op: CmpOperator = match.isNegated ? .notEqual : .equal
                switch match.subject {
                case .inputInterfaceName:
                    output.append(.meta(.inputInterfaceName, destination: register))
                    switch match.value {
                    case .set(let name):
                        output.append(.lookup(set: name, setID: setIDs[name], source: register, inverted: match.isNegated))
                    case .interface(let pattern):
                        output.append(.cmp(op, source: register, data: try interfaceBytes(pattern)))
                    case .prefix, .family, .bytes:
                        throw LinearizeError("iifname cannot match \(match.value.nftText())")
                    }
                case .address(let addressFamily, let field):
                    let headerField = HeaderField.address(addressFamily, field)
                    switch match.value {
                    case .set(let name):
                        try requireFamily(addressFamily)
                        output.append(.payload(headerField.base, offset: headerField.offset,
                                               length: headerField.length, destination: register))
                        output.append(.lookup(set: name, setID: setIDs[name], source: register, inverted: match.isNegated))
                    case .prefix(let prefix):
                        guard prefix.family == addressFamily else {
                            throw LinearizeError("\(headerField) cannot match \(prefix.family) prefix \(prefix)")
                        }
                        try requireFamily(addressFamily)
                        output += prefixMatch(prefix, field: headerField, op: op)
                    case .interface, .family, .bytes:
                        throw LinearizeError("\(headerField) cannot match \(match.value.nftText())")
                    }
                case .payload(let load):
                    // A raw load needs no dependency: the rule's own link-layer matches select
                    // the header. Only the first field nft reads as Ethernet's gets the
                    // device-type check a netdev table needs.
                    if link.name(match)?.header == .ethernet, !ethernetEstablished {
                        ethernetEstablished = true
                        if case let .meta(key, value)? = ProtocolHeader.ethernet.selector(in: family) {
                            output += [.meta(key, destination: register), .cmp(.equal, source: register, data: value)]
                        }
                    }
                    output.append(.payload(load.base, offset: load.offset, length: load.length, destination: register))
                    switch match.value {
                    case .bytes(let data):
                        guard data.count == Int(load.length) else {
                            throw LinearizeError("\(load) cannot be compared with \(data.count) bytes")
                        }
                        output.append(.cmp(op, source: register, data: data))
                    case .set(let name):
                        output.append(.lookup(set: name, setID: setIDs[name], source: register, inverted: match.isNegated))
                    case .interface, .prefix, .family:
                        throw LinearizeError("\(load) cannot match \(match.value.nftText())")
                    }
                case .networkFamily:
                    guard case .family(let addressFamily) = match.value else {
                        throw LinearizeError("a protocol family match cannot compare with \(match.value.nftText())")
                    }
                    guard family.impliedAddressFamily == nil,
                          case let .meta(key, value)? = ProtocolHeader(addressFamily).selector(in: family) else {
                        throw LinearizeError("a protocol family match is meaningless in a table of family \(family.rawValue)")
                    }
                    output += [.meta(key, destination: register), .cmp(op, source: register, data: value)]
                    context.note(statement)
                }
            case .counter(let counter):
                output.append(.counter(packets: counter.packets, bytes: counter.bytes))
            case .limit(let limit):
                output.append(.limit(rate: limit.rate, unit: limit.unit.seconds, burst: limit.burst))
            case .log(let log):
                output.append(.log(prefix: log.prefix, group: log.group))
            case .reject:
                let encoding = rejects[index]!
                output.append(.reject(type: encoding.kernelType, code: encoding.kernelCode))
            case .verdict(let verdict):
                output.append(.verdict(verdict))
            }
        }
        return output
    }

    /// A byte-aligned prefix loads only its network bytes; any other length loads the whole
    /// address and masks it, as nft does (a /0 included).
    static func prefixMatch(_ prefix: IPPrefix, field: HeaderField, op: CmpOperator) -> [KernelExpression] {
        let register = KernelRegister.first
        let (bytes, maskBytes, length) = switch prefix {
        case .v4(let p): (p.network.bytes, IPv4Address(bits: p.mask).bytes, p.length)
        case .v6(let p): (p.network.bytes, IPv6Address(bits: p.mask).bytes, p.length)
        }
        if length % 8 == 0 && length > 0 {
            let count = length / 8
            return [.payload(field.base, offset: field.offset, length: UInt32(count), destination: register),
                    .cmp(op, source: register, data: Array(bytes.prefix(count)))]
        }
        return [.payload(field.base, offset: field.offset, length: field.length, destination: register),
                .bitwise(source: register, destination: register, mask: maskBytes,
                         xor: [UInt8](repeating: 0, count: bytes.count)),
                .cmp(op, source: register, data: bytes)]
    }

    /// An exact name compares all 16 NUL-padded bytes; `wan*` compares the stem's bytes only.
    static func interfaceBytes(_ pattern: InterfacePattern) throws(LinearizeError) -> [UInt8] {
        let stem = Array(pattern.stem.utf8)
        if pattern.isWildcard {
            guard !stem.isEmpty else { throw LinearizeError("the wildcard \"*\" alone cannot be compared; omit the match") }
            return stem
        }
        return stem + [UInt8](repeating: 0, count: 16 - stem.count)
    }
}

public struct LinearizeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "cannot express for the kernel: \(reason)" }
}

extension TableFamily {
    /// The address family an `ip` or `ip6` table implies; nil where a dependency is needed.
    public var impliedAddressFamily: AddressFamily? {
        switch self {
        case .ip: .ipv4
        case .ip6: .ipv6
        case .inet, .arp, .bridge, .netdev: nil
        }
    }
}

extension AddressFamily {
    /// Bytes of an address: the length of the IP header's address fields.
    public var addressLength: UInt32 { HeaderField.address(self, .source).length }
}
