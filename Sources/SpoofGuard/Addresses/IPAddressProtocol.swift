/// What IPv4 and IPv6 addresses share: a fixed-width unsigned integer in network
/// bit order, so that prefixes and interval sets are written once for both families.
public protocol IPAddressProtocol: Hashable, Comparable, Sendable, CustomStringConvertible {
    associatedtype Bits: FixedWidthInteger & UnsignedInteger & Sendable
    /// The address as an integer: the most significant bit is the first bit on the wire.
    var bits: Bits { get }
    init(bits: Bits)
    static var family: AddressFamily { get }
    /// Strict textual parse; throws `AddressParseError` that says how to fix the text.
    init(parsing text: String) throws(AddressParseError)
    /// The same parse over UTF-8 bytes (`AddressUTF8Parsing.swift`): same values, same errors.
    init(utf8 bytes: UnsafeBufferPointer<UInt8>) throws(AddressParseError)
}

extension IPAddressProtocol {
    public static var bitWidth: Int { Bits.bitWidth }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.bits < rhs.bits }
    public static var zero: Self { Self(bits: 0) }
    public static var max: Self { Self(bits: Bits.max) }
}

/// The two address families spoofguard guards.
public enum AddressFamily: String, Sendable, Hashable, BitwiseCopyable, CaseIterable, Codable, CustomStringConvertible {
    case ipv4
    case ipv6

    /// nftables' payload family keyword (`ip`, `ip6`).
    public var nftName: String { self == .ipv4 ? "ip" : "ip6" }
    public var description: String { self == .ipv4 ? "IPv4" : "IPv6" }
}

/// Why a piece of text is not an address or prefix, phrased so that the user can fix it.
public struct AddressParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public var text: String
    public var reason: String
    /// A corrected form, when one can be inferred (e.g. the network of a prefix with host bits).
    public var suggestion: String?

    public init(text: String, reason: String, suggestion: String? = nil) {
        self.text = text
        self.reason = reason
        self.suggestion = suggestion
    }

    public var description: String {
        var message = "\"\(text)\" \(reason)"
        if let suggestion { message += "; did you mean \"\(suggestion)\"?" }
        return message
    }
}
