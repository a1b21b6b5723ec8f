/// Kernel expressions → IR rule, the inverse of `Linearize`. Accepts both of nft's prefix
/// forms (short load, and full load + bitwise mask) and drops the protocol dependencies that
/// a later address match implies, as `nft list` does. Anything else is an error that names
/// the expression, never a silent approximation.
public enum Delinearize {
    /// What a register holds while the expressions are walked.
    enum RegisterContent {
        case meta(MetaKey)
        case payload(offset: UInt32, length: UInt32)
        case masked(offset: UInt32, length: UInt32, prefixLength: Int)
        /// A link-layer load, kept raw: spoofguard's encapsulation rules compare and look up
        /// frame bytes directly (`LinkEncapsulation`).
        case link(RawPayload)
    }

    public static func rule(
        _ expressions: [KernelExpression], family: TableFamily, comment: String? = nil, handle: UInt64? = nil
    ) throws(DelinearizeError) -> Rule {
        var registers: [UInt32: RegisterContent] = [:]
        var statements: [Statement] = []
        var context = ProtocolContext(table: family)
        var tcpDependency = false
        var link = LinkLayerContext(family: family)
        // nft's `meta iiftype ether` before the first Ethernet field of a netdev rule: held
        // until that field consumes it.
        var ethernetDependency: KernelExpression?
        var ethernetEstablished = false

        // Registers loaded and not yet read. nft never overwrites a load before using it; a
        // dead load would let a dependency and its address match pair up wrongly (found by
        // Fuzz/Targets/delinearize), so it is refused.
        var unread: Set<UInt32> = []
        func load(_ register: UInt32, _ value: RegisterContent, for expression: KernelExpression) throws(DelinearizeError) {
            guard !unread.contains(register) else {
                throw DelinearizeError(expression: expression, reason: "overwrites register \(register) before its previous load was used")
            }
            registers[register] = value
            unread.insert(register)
        }

        func content(_ register: UInt32, for expression: KernelExpression) throws(DelinearizeError) -> RegisterContent {
            guard let value = registers[register] else {
                throw DelinearizeError(expression: expression, reason: "reads register \(register) before anything was loaded into it")
            }
            // nft reads each load once; a second comparison of it repeats a match (fourth finding).
            guard unread.remove(register) != nil else {
                throw DelinearizeError(expression: expression, reason: "reads register \(register) a second time; nft loads a value for each use")
            }
            return value
        }

        func addressMatch(offset: UInt32, loaded: UInt32, prefixLength: Int, data: [UInt8]?, expression: KernelExpression)
            throws(DelinearizeError) -> (MatchSubject, IPPrefix?) {
            // Only families where the IP headers have a selector put an IP header under
            // `network`; in an arp table it is ARP (found by Fuzz/Targets/delinearize: read as
            // an IPv4 match Linearize cannot write).
            let families = (context.established.map { [$0] } ?? AddressFamily.allCases)
                .filter { ProtocolHeader($0).selector(in: family) != nil }
            guard !families.isEmpty else {
                throw DelinearizeError(expression: expression, reason: "loads from the network header of a \(family.rawValue) table, which is not IP")
            }
            guard let (addressFamily, field) = HeaderField.address(atNetworkOffset: offset, length: loaded, families: families) else {
                throw DelinearizeError(expression: expression, reason: "loads \(loaded) bytes at network header + \(offset), which is no address field spoofguard uses")
            }
            guard let data else { return (.address(addressFamily, field), nil) }
            let full = Int(addressFamily.addressLength)
            guard data.count == Int(loaded), data.count <= full else {
                throw DelinearizeError(expression: expression, reason: "compares \(data.count) bytes against a \(loaded)-byte load")
            }
            let bytes = data + [UInt8](repeating: 0, count: full - data.count)
            let prefix: IPPrefix? = switch addressFamily {
            case .ipv4: IPv4Address(bytes: bytes).flatMap { Prefix(network: $0, length: prefixLength) }.map(IPPrefix.v4)
            case .ipv6: IPv6Address(bytes: bytes).flatMap { Prefix(network: $0, length: prefixLength) }.map(IPPrefix.v6)
            }
            guard let prefix else {
                throw DelinearizeError(expression: expression, reason: "compares against an address with bits outside its /\(prefixLength) mask")
            }
            return (.address(addressFamily, field), prefix)
        }

        for expression in expressions {
            switch expression {
            case let .meta(key, destination):
                try load(destination, .meta(key), for: expression)
            case let .payload(base, offset, length, destination) where base == .link:
                try load(destination, .link(RawPayload(base, offset: offset, length: length)), for: expression)
            case let .payload(base, offset, length, destination):
                guard base == .network else {
                    let known = ProtocolHeader.allCases.flatMap(\.fields).first { $0.base == base && $0.offset == offset && $0.length == length }
                    throw DelinearizeError(expression: expression, reason: known.map { "loads \($0), which spoofguard's rules do not match" }
                        ?? "loads from the \(base) header; spoofguard matches network-header addresses only")
                }
                try load(destination, .payload(offset: offset, length: length), for: expression)
            case let .bitwise(source, destination, mask, xor):
                guard case let .payload(offset, length) = try content(source, for: expression),
                      mask.count == Int(length), xor.allSatisfy({ $0 == 0 }),
                      let prefixLength = contiguousOnes(mask) else {
                    throw DelinearizeError(expression: expression, reason: "is not a prefix mask over an address load")
                }
                try load(destination, .masked(offset: offset, length: length, prefixLength: prefixLength), for: expression)
            case let .cmp(op, source, data):
                let negated = op == .notEqual
                switch try content(source, for: expression) {
                case .meta(let key) where ProtocolHeader.selected(by: key, value: data, in: family)?.addressFamily != nil:
                    let addressFamily = ProtocolHeader.selected(by: key, value: data, in: family)!.addressFamily!
                    let match = Statement.match(Match(.networkFamily, .family(addressFamily), negated: negated))
                    // Neither nft nor Linearize repeats a family match; raising a repeat would
                    // not round-trip (only the last one becomes the address match's dependency).
                    guard !statements.contains(match) else {
                        throw DelinearizeError(expression: expression, reason: "repeats an earlier \(addressFamily) family match")
                    }
                    statements.append(match)
                    context.note(match)
                case .meta(let key) where ProtocolHeader.selected(by: key, value: data, in: family) == .tcp && !negated && statements.isEmpty:
                    tcpDependency = true
                case .meta(.inputInterfaceName):
                    statements.append(.match(Match(.inputInterfaceName, .interface(try interfacePattern(data, expression)), negated: negated)))
                case let .payload(offset, length):
                    let (subject, prefix) = try addressMatch(offset: offset, loaded: length, prefixLength: Int(length) * 8,
                                                             data: data, expression: expression)
                    statements.append(.match(Match(subject, .prefix(prefix!), negated: negated)))
                    context.note(statements.last!)
                case let .masked(offset, length, prefixLength):
                    let (subject, prefix) = try addressMatch(offset: offset, loaded: length, prefixLength: prefixLength,
                                                             data: data, expression: expression)
                    statements.append(.match(Match(subject, .prefix(prefix!), negated: negated)))
                    context.note(statements.last!)
                case .meta(let key) where ProtocolHeader.ethernet.selector(in: family) == .meta(key, data)
                    && !negated && !ethernetEstablished && ethernetDependency == nil:
                    ethernetDependency = expression
                case .link(let load):
                    guard data.count == Int(load.length) else {
                        throw DelinearizeError(expression: expression, reason: "compares \(data.count) bytes against a \(load.length)-byte load")
                    }
                    let match = Match(.payload(load), .bytes(data), negated: negated)
                    if link.name(match)?.header == .ethernet, !ethernetEstablished {
                        ethernetEstablished = true
                        if case .meta? = ProtocolHeader.ethernet.selector(in: family) {
                            guard ethernetDependency != nil else {
                                throw DelinearizeError(expression: expression, reason: "loads an Ethernet field without the meta iiftype match nft puts before it")
                            }
                            ethernetDependency = nil
                        }
                    }
                    statements.append(.match(match))
                case .meta:
                    throw DelinearizeError(expression: expression, reason: "compares a value spoofguard does not model")
                }
            case let .lookup(set, _, source, inverted):
                switch try content(source, for: expression) {
                case .meta(.inputInterfaceName):
                    statements.append(.match(Match(.inputInterfaceName, .set(set), negated: inverted)))
                case let .payload(offset, length):
                    let (subject, _) = try addressMatch(offset: offset, loaded: length, prefixLength: Int(length) * 8,
                                                        data: nil, expression: expression)
                    guard case .address(let addressFamily, _) = subject, addressFamily.addressLength == length else {
                        throw DelinearizeError(expression: expression, reason: "looks up a partial address")
                    }
                    statements.append(.match(Match(subject, .set(set), negated: inverted)))
                    context.note(statements.last!)
                case .link(let load):
                    statements.append(.match(Match(.payload(load), .set(set), negated: inverted)))
                case .meta, .masked:
                    throw DelinearizeError(expression: expression, reason: "looks up a value spoofguard does not model")
                }
            case let .counter(packets, bytes):
                statements.append(.counter(Counter(packets: packets, bytes: bytes)))
            case let .log(prefix, group):
                statements.append(.log(Log(prefix: prefix, group: group)))
            case let .limit(rate, unit, burst):
                guard let unit = RateLimit.Unit.allCases.first(where: { $0.seconds == unit }) else {
                    throw DelinearizeError(expression: expression, reason: "has a rate unit of \(unit) seconds, which nft cannot name")
                }
                statements.append(.limit(RateLimit(rate: rate, per: unit, burst: burst)))
            case let .reject(type, code):
                // The one encoding nft writes for this reject after what the rule matched.
                guard let encoding = RejectEncoding(kernelType: type, kernelCode: code),
                      encoding.needsTCPDependency == tcpDependency,
                      encoding == RejectEncoding(encoding.reject, tableFamily: family, answerFamily: context.established) else {
                    throw DelinearizeError(expression: expression, reason: "is a reject form spoofguard does not emit")
                }
                statements.append(.reject(encoding.reject))
                tcpDependency = false
            case let .verdict(verdict):
                statements.append(.verdict(verdict))
            }
        }
        if let ethernetDependency {
            throw DelinearizeError(expression: ethernetDependency, reason: "matches the interface type, which spoofguard does not model")
        }
        if tcpDependency {
            throw DelinearizeError(expression: .meta(.l4proto, destination: 1),
                                   reason: "matches the transport protocol, which spoofguard does not model")
        }
        let raised = statements
        let dependencies = ProtocolContext.consumedDependencies(in: raised)
        return Rule(raised.enumerated().filter { !dependencies.contains($0.offset) }.map(\.element),
                    comment: comment, handle: handle)
    }

    /// The number of leading one bits when the mask is a contiguous prefix mask.
    static func contiguousOnes(_ mask: [UInt8]) -> Int? {
        var count = 0
        var ended = false
        for byte in mask {
            for bit in (0..<8).reversed() {
                if byte & (1 << bit) != 0 {
                    if ended { return nil }
                    count += 1
                } else {
                    ended = true
                }
            }
        }
        return count
    }

    /// 16 bytes ending in NUL: an exact name; fewer bytes without NUL: a prefix wildcard.
    static func interfacePattern(_ data: [UInt8], _ expression: KernelExpression) throws(DelinearizeError) -> InterfacePattern {
        // Zero bytes would be the bare wildcard "*", which matches every name: nft never writes
        // it, and the IR cannot carry it back to the kernel (found by Fuzz/Targets/delinearize).
        guard !data.isEmpty else {
            throw DelinearizeError(expression: expression, reason: "compares no bytes of the interface name, so it matches every interface")
        }
        let isWildcard = !data.contains(0)
        let stemBytes = isWildcard ? data : Array(data.prefix { $0 != 0 })
        if !isWildcard, data.count != 16 || data.dropFirst(stemBytes.count).contains(where: { $0 != 0 }) {
            throw DelinearizeError(expression: expression, reason: "is not a NUL-padded interface name")
        }
        guard let stem = String(validating: stemBytes, as: UTF8.self),
              let pattern = try? InterfacePattern(stem: stem, isWildcard: isWildcard) else {
            throw DelinearizeError(expression: expression, reason: "does not hold a valid interface name")
        }
        return pattern
    }
}

public struct DelinearizeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var expression: KernelExpression?
    public var reason: String
    public init(expression: KernelExpression?, reason: String) {
        self.expression = expression
        self.reason = reason
    }
    public var description: String {
        if let expression { return "cannot read kernel expression \(expression): it \(reason)" }
        return "cannot read kernel state: \(reason)"
    }
}
