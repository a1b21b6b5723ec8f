/// IR rule → kernel expressions, exactly as nft 1.0.6 emits them for the same rule text
/// (checked against `nft --debug=netlink`): protocol dependencies before the first address
/// match of a family, byte-aligned prefixes as short loads, others as a load + bitwise mask.
public enum Linearize {
    /// - Parameter setIDs: batch-local ids of sets created in the same transaction.
    public static func expressions(
        for rule: Rule, family: TableFamily, setIDs: [String: UInt32] = [:]
    ) throws(LinearizeError) -> [KernelExpression] {
        var output: [KernelExpression] = []
        let register = KernelRegister.first
        // nft puts the `meta l4proto tcp` that a TCP reset needs at the very start of the rule.
        if rule.statements.contains(.reject(.tcpReset)) {
            output += [.meta(.l4proto, destination: register), .cmp(.equal, source: register, data: [6])]
        }
        var context: AddressFamily? = family.impliedAddressFamily

        func requireFamily(_ addressFamily: AddressFamily) throws(LinearizeError) {
            if let implied = family.impliedAddressFamily {
                guard implied == addressFamily else {
                    throw LinearizeError("an \(addressFamily) match cannot appear in a table of family \(family.rawValue)")
                }
                return
            }
            if context == addressFamily { return }
            output += try dependency(addressFamily, family: family)
            context = addressFamily
        }

        for statement in rule.statements {
            switch statement {
            case .match(let match):
                let op: CmpOperator = match.isNegated ? .notEqual : .equal
                switch (match.subject, match.value) {
                case (.inputInterfaceName, .set(let name)):
                    output.append(.meta(.inputInterfaceName, destination: register))
                    output.append(.lookup(set: name, setID: setIDs[name], source: register, inverted: match.isNegated))
                case (.inputInterfaceName, .interface(let pattern)):
                    output.append(.meta(.inputInterfaceName, destination: register))
                    output.append(.cmp(op, source: register, data: try interfaceBytes(pattern)))
                case (.address(let addressFamily, let field), .set(let name)):
                    try requireFamily(addressFamily)
                    output.append(.payload(.network, offset: field.offset(in: addressFamily),
                                           length: addressFamily.addressLength, destination: register))
                    output.append(.lookup(set: name, setID: setIDs[name], source: register, inverted: match.isNegated))
                case (.address(let addressFamily, let field), .prefix(let prefix)):
                    guard prefix.family == addressFamily else {
                        throw LinearizeError("\(addressFamily.nftName) \(field.rawValue) cannot match \(prefix.family) prefix \(prefix)")
                    }
                    try requireFamily(addressFamily)
                    output += prefixMatch(prefix, offset: field.offset(in: addressFamily), op: op)
                case (.networkFamily, .family(let addressFamily)):
                    guard family.impliedAddressFamily == nil else {
                        throw LinearizeError("a protocol family match is meaningless in a table of family \(family.rawValue)")
                    }
                    let dependency = try dependency(addressFamily, family: family)
                    if case let .cmp(_, source, data) = dependency[1] {
                        output += [dependency[0], .cmp(op, source: source, data: data)]
                    }
                    if !match.isNegated { context = addressFamily }
                default:
                    throw LinearizeError("unsupported match \(match)")
                }
            case .counter(let counter):
                output.append(.counter(packets: counter.packets, bytes: counter.bytes))
            case .limit(let limit):
                output.append(.limit(rate: limit.rate, unit: limit.unit.seconds, burst: limit.burst))
            case .log(let log):
                output.append(.log(prefix: log.prefix, group: log.group))
            case .reject(.tcpReset):
                output.append(.reject(type: KernelReject.tcpReset, code: 0))
            case .reject(.portUnreachable):
                switch context {
                case .ipv4?: output.append(.reject(type: KernelReject.icmpUnreachable, code: KernelReject.icmpPortUnreachable))
                case .ipv6?: output.append(.reject(type: KernelReject.icmpUnreachable, code: KernelReject.icmpv6PortUnreachable))
                case nil: output.append(.reject(type: KernelReject.icmpxUnreachable, code: KernelReject.icmpxPortUnreachable))
                }
            case .verdict(let verdict):
                output.append(.verdict(verdict.kernelVerdict))
            }
        }
        return output
    }

    /// `meta nfproto` in inet tables, `meta protocol` (ethertype, network order) in netdev and bridge.
    static func dependency(_ addressFamily: AddressFamily, family: TableFamily) throws(LinearizeError) -> [KernelExpression] {
        let register = KernelRegister.first
        switch family {
        case .inet:
            return [.meta(.nfproto, destination: register),
                    .cmp(.equal, source: register, data: [addressFamily == .ipv4 ? 2 : 10])]
        case .netdev, .bridge:
            return [.meta(.protocol, destination: register),
                    .cmp(.equal, source: register, data: addressFamily == .ipv4 ? [0x08, 0x00] : [0x86, 0xdd])]
        default:
            throw LinearizeError("tables of family \(family.rawValue) cannot match \(addressFamily) addresses")
        }
    }

    /// A byte-aligned prefix loads only its network bytes; any other length loads the whole
    /// address and masks it, as nft does (a /0 included).
    static func prefixMatch(_ prefix: IPPrefix, offset: UInt32, op: CmpOperator) -> [KernelExpression] {
        let register = KernelRegister.first
        let (bytes, maskBytes, length) = switch prefix {
        case .v4(let p): (p.network.bytes, IPv4Address(bits: p.mask).bytes, p.length)
        case .v6(let p): (p.network.bytes, IPv6Address(bits: p.mask).bytes, p.length)
        }
        if length % 8 == 0 && length > 0 {
            let count = length / 8
            return [.payload(.network, offset: offset, length: UInt32(count), destination: register),
                    .cmp(op, source: register, data: Array(bytes.prefix(count)))]
        }
        return [.payload(.network, offset: offset, length: UInt32(bytes.count), destination: register),
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
        default: nil
        }
    }
}

extension AddressFamily {
    public var addressLength: UInt32 { self == .ipv4 ? 4 : 16 }
}

extension Verdict {
    public var kernelVerdict: KernelVerdict {
        switch self {
        case .accept: .accept
        case .drop: .drop
        case .continue: .continue
        case .return: .return
        case .jump(let chain): .jump(chain)
        case .goto(let chain): .goto(chain)
        }
    }
}
