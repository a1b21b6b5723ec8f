/// One nf_tables kernel expression, as `nft --debug=netlink` shows it. This is the level the
/// kernel speaks; `Linearize` lowers IR statements to it and `Delinearize` raises it back.
/// Registers use the kernel's numbering: 0 is the verdict register, 1…4 the 16-byte registers.
public enum KernelExpression: Hashable, Sendable, CustomStringConvertible {
    /// `[ meta load KEY => reg R ]`
    case meta(MetaKey, destination: UInt32)
    /// `[ payload load Nb @ BASE header + OFFSET => reg R ]`
    case payload(PayloadBase, offset: UInt32, length: UInt32, destination: UInt32)
    /// `[ cmp OP reg R DATA ]`; `data` is the register's bytes in memory order.
    case cmp(CmpOperator, source: UInt32, data: [UInt8])
    /// `[ bitwise reg D = ( reg S & MASK ) ^ XOR ]`
    case bitwise(source: UInt32, destination: UInt32, mask: [UInt8], xor: [UInt8])
    /// `[ lookup reg R set NAME ]`; `setID` is the batch-local id used while the set is new.
    case lookup(set: String, setID: UInt32?, source: UInt32, inverted: Bool)
    case counter(packets: UInt64, bytes: UInt64)
    case log(prefix: String?, group: UInt16?)
    /// `[ limit rate R/UNIT burst B type packets flags 0x0 ]`; `unit` in seconds.
    case limit(rate: UInt64, unit: UInt64, burst: UInt32)
    case reject(type: UInt32, code: UInt8)
    /// `[ immediate reg 0 VERDICT ]`
    case verdict(Verdict)

    /// Exactly as `nft --debug=netlink` (nftables 1.0.6) prints the expression, so that a
    /// linearized rule can be held against nft's own output line by line
    /// (Tests/SpoofGuardTests/Golden/netlink-forms.txt).
    public var description: String {
        switch self {
        case let .meta(key, r): return "[ meta load \(key) => reg \(r) ]"
        case let .payload(base, offset, length, r): return "[ payload load \(length)b @ \(base) header + \(offset) => reg \(r) ]"
        case let .cmp(op, r, data): return "[ cmp \(op) reg \(r) \(Self.words(data)) ]"
        case let .bitwise(s, d, mask, xor): return "[ bitwise reg \(d) = ( reg \(s) & \(Self.words(mask)) ) ^ \(Self.words(xor)) ]"
        case let .lookup(set, _, r, inverted): return "[ lookup reg \(r) set \(set)\(inverted ? " 0x1" : "") ]"
        case let .counter(p, b): return "[ counter pkts \(p) bytes \(b) ]"
        case let .log(prefix, group):
            var text = "[ log"
            if let prefix { text += " prefix \(prefix)" }
            if let group { text += " group \(group) snaplen 0 qthreshold 0" }
            return text + " ]"
        case let .limit(rate, unit, burst):
            let unitName = RateLimit.Unit.allCases.first { $0.seconds == unit }?.rawValue ?? "\(unit)s"
            return "[ limit rate \(rate)/\(unitName) burst \(burst) type packets flags 0x0 ]"
        case let .reject(type, code): return "[ reject type \(type) code \(code) ]"
        case let .verdict(verdict): return "[ immediate reg 0 \(verdict.kernelDescription) ]"
        }
    }

    /// Register data as nft prints it: 32-bit words in host (little-endian) order, `0x%08x`.
    static func words(_ bytes: [UInt8]) -> String {
        stride(from: 0, to: bytes.count, by: 4).map { start in
            var word: UInt32 = 0
            for (shift, byte) in bytes[start..<min(start + 4, bytes.count)].enumerated() { word |= UInt32(byte) << (8 * shift) }
            let hex = String(word, radix: 16)
            return "0x" + String(repeating: "0", count: 8 - hex.count) + hex
        }.joined(separator: " ")
    }
}

/// `NFT_META_*` keys spoofguard uses.
public enum MetaKey: UInt32, Hashable, Sendable, CustomStringConvertible {
    case `protocol` = 1
    case inputInterfaceName = 6
    case inputInterfaceType = 8
    case nfproto = 15
    case l4proto = 16

    /// Bytes the key loads into its register.
    public var length: Int {
        switch self {
        case .protocol: 2
        case .inputInterfaceName: 16
        case .inputInterfaceType: 2
        case .nfproto, .l4proto: 1
        }
    }

    public var description: String {
        switch self {
        case .protocol: "protocol"
        case .inputInterfaceName: "iifname"
        case .inputInterfaceType: "iiftype"
        case .nfproto: "nfproto"
        case .l4proto: "l4proto"
        }
    }
}

/// `NFT_CMP_*` operators spoofguard uses.
public enum CmpOperator: UInt32, Hashable, Sendable, CustomStringConvertible {
    case equal = 0
    case notEqual = 1
    public var description: String { self == .equal ? "eq" : "neq" }
}

/// How the kernel codes a verdict (`NF_DROP`, `NF_ACCEPT`, `NFT_CONTINUE`, …) in an
/// `immediate` expression to the verdict register.
extension Verdict {
    public var kernelCode: Int32 {
        switch self {
        case .drop: 0
        case .accept: 1
        case .continue: -1
        case .jump: -3
        case .goto: -4
        case .return: -5
        }
    }

    /// The chain a jump or goto names.
    public var chain: String? {
        switch self {
        case .jump(let chain), .goto(let chain): chain
        case .accept, .drop, .continue, .return: nil
        }
    }

    public init?(kernelCode: Int32, chain: String?) {
        switch kernelCode {
        case 0: self = .drop
        case 1: self = .accept
        case -1: self = .continue
        case -5: self = .return
        case -3: guard let chain else { return nil }; self = .jump(chain)
        case -4: guard let chain else { return nil }; self = .goto(chain)
        default: return nil
        }
    }

    /// As `nft --debug=netlink` prints it (`jump -> chain`).
    public var kernelDescription: String {
        switch self {
        case .accept: "accept"
        case .drop: "drop"
        case .continue: "continue"
        case .return: "return"
        case .jump(let chain): "jump -> \(chain)"
        case .goto(let chain): "goto -> \(chain)"
        }
    }
}

/// The kernel's 16-byte registers.
public enum KernelRegister {
    public static let verdict: UInt32 = 0
    public static let first: UInt32 = 1
}
