/// A network prefix such as `127.0.0.0/8` or `::1/128`. The host bits are always zero:
/// `127.0.0.1/8` is refused with `127.0.0.0/8` suggested, as pfctl normalises it.
public struct Prefix<Address: IPAddressProtocol>: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let network: Address
    public let length: Int

    /// Fails when `length` is out of range or `network` has host bits set.
    public init?(network: Address, length: Int) {
        guard (0...Address.bitWidth).contains(length),
              network.bits & ~Self.mask(length) == 0 else { return nil }
        self.network = network
        self.length = length
    }

    /// A single address as a full-length prefix.
    public init(host: Address) {
        network = host
        length = Address.bitWidth
    }

    public init(parsing text: String) throws(AddressParseError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw AddressParseError(text: text, reason: "has more than one \"/\"") }
        let address = try Address(parsing: String(parts[0]))
        guard parts.count == 2 else {
            self.init(host: address)
            return
        }
        let lengthText = parts[1]
        guard !lengthText.isEmpty, lengthText.allSatisfy({ $0.isASCII && $0.isNumber }),
              lengthText == "0" || lengthText.first != "0",
              let length = Int(lengthText), length <= Address.bitWidth else {
            throw AddressParseError(
                text: text, reason: "has a prefix length that is not a number from 0 to \(Address.bitWidth)")
        }
        let network = Address(bits: address.bits & Self.mask(length))
        guard network == address else {
            throw AddressParseError(text: text, reason: "has host bits set",
                                    suggestion: "\(network)/\(length)")
        }
        self.init(network: network, length: length)!
    }

    /// The netmask for a prefix length, e.g. 0xff000000 for an IPv4 /8.
    public static func mask(_ length: Int) -> Address.Bits {
        length == 0 ? 0 : Address.Bits.max << Address.Bits(Address.bitWidth - length)
    }

    public var mask: Address.Bits { Self.mask(length) }
    public var first: Address { network }
    public var last: Address { Address(bits: network.bits | ~mask) }
    public var range: ClosedRange<Address.Bits> { network.bits...last.bits }

    public func contains(_ address: Address) -> Bool { address.bits & mask == network.bits }

    public var description: String { "\(network)/\(length)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.network, lhs.length) < (rhs.network, rhs.length)
    }

    /// The prefix that covers exactly `range`, if there is one.
    public init?(exactly range: ClosedRange<Address.Bits>) {
        let size = range.upperBound &- range.lowerBound   // size - 1
        // A prefix covers 2^k addresses aligned on 2^k: size-1 is all ones in its low k bits.
        guard size & (size &+ 1) == 0, range.lowerBound & size == 0 else { return nil }
        let hostBits = size == .max ? Address.bitWidth : Address.bitWidth - size.leadingZeroBitCount
        self.init(network: Address(bits: range.lowerBound), length: Address.bitWidth - hostBits)
    }
}

public typealias IPv4Prefix = Prefix<IPv4Address>
public typealias IPv6Prefix = Prefix<IPv6Address>
