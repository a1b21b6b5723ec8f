/// Byte-level twins of the `init(parsing:)` String parsers, for policy decoding, where a
/// 100 k-prefix list made String slicing and splitting most of the work.
///
/// Contract (proven by `AddressUTF8ParsingTests` on random and adversarial inputs): the same
/// text is accepted with the same value, or refused with the same `AddressParseError`.
/// Only printable ASCII is parsed here; anything else (never a valid address) goes to the
/// String parser, whose Character-level splitting decides the exact message for oddities such
/// as a combining mark after a dot.
enum AddressUTF8 {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    static let dot = UInt8(ascii: "."), colon = UInt8(ascii: ":"), slash = UInt8(ascii: "/"), percent = UInt8(ascii: "%")

    /// True when every byte is printable ASCII, where one byte is one Character.
    static func isPrintableASCII(_ bytes: Bytes) -> Bool {
        for byte in bytes where byte < 0x20 || byte > 0x7E { return false }
        return true
    }

    static func text(_ bytes: Bytes, _ range: Range<Int>) -> String {
        String(decoding: Bytes(rebasing: bytes[range]), as: UTF8.self)
    }

    static func firstIndex(of byte: UInt8, in bytes: Bytes, _ range: Range<Int>) -> Int? {
        var index = range.lowerBound
        while index < range.upperBound {
            if bytes[index] == byte { return index }
            index += 1
        }
        return nil
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func hexValue(_ byte: UInt8) -> UInt16? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt16(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt16(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt16(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    enum Quad {
        case value(UInt32)
        case failure(String)
    }

    /// `IPv4Address.parseDottedQuad` over bytes: nil without a dot, else the value or the reason.
    static func dottedQuad(_ bytes: Bytes, _ range: Range<Int>) -> Quad? {
        if let value = wellFormedDottedQuad(bytes, range) { return .value(value) }
        return checkedDottedQuad(bytes, range)
    }

    /// One pass for the common case: four octets of one to three digits, no leading zero,
    /// at most 255, separated by single dots. Anything else is nil, left to the checked parse
    /// (which alone decides the message).
    private static func wellFormedDottedQuad(_ bytes: Bytes, _ range: Range<Int>) -> UInt32? {
        var value: UInt32 = 0
        var index = range.lowerBound
        for part in 0..<4 {
            let start = index
            var octet: UInt32 = 0
            while index < range.upperBound, index - start < 3, isDigit(bytes[index]) {
                octet = octet * 10 + UInt32(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            guard index > start, octet <= 255, index - start == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
            value = value << 8 | octet
            if part < 3 {
                guard index < range.upperBound, bytes[index] == dot else { return nil }
                index += 1
            }
        }
        return index == range.upperBound ? value : nil
    }

    private static func checkedDottedQuad(_ bytes: Bytes, _ range: Range<Int>) -> Quad? {
        var dots = 0
        for index in range where bytes[index] == dot { dots += 1 }
        guard dots > 0 else { return nil }
        guard dots == 3 else {
            return .failure("is not a dotted-quad IPv4 address (write all four octets, e.g. \"127.0.0.1\")")
        }
        var value: UInt32 = 0
        var start = range.lowerBound
        for _ in 0..<4 {
            let end = firstIndex(of: dot, in: bytes, start..<range.upperBound) ?? range.upperBound
            var octet: UInt32 = 0
            guard end > start else {
                return .failure("is not a dotted-quad IPv4 address (octets are decimal numbers 0-255)")
            }
            for index in start..<end {
                guard isDigit(bytes[index]) else {
                    return .failure("is not a dotted-quad IPv4 address (octets are decimal numbers 0-255)")
                }
                if index - start < 3 { octet = octet * 10 + UInt32(bytes[index] - UInt8(ascii: "0")) }
            }
            guard end - start == 1 || bytes[start] != UInt8(ascii: "0") else {
                return .failure("has an octet with a leading zero, which some parsers read as octal; write it without the zero")
            }
            guard end - start <= 3, octet <= 255 else { return .failure("has an octet greater than 255") }
            value = value << 8 | octet
            start = end + 1
        }
        return .value(value)
    }

    static func ipv4(_ bytes: Bytes) throws(AddressParseError) -> UInt32 {
        guard isPrintableASCII(bytes) else { return try IPv4Address(parsing: text(bytes, 0..<bytes.count)).bits }
        return try printableIPv4(bytes)
    }

    /// `ipv4` for bytes already known to be printable ASCII (a prefix checks its whole text once).
    static func printableIPv4(_ bytes: Bytes) throws(AddressParseError) -> UInt32 {
        switch dottedQuad(bytes, 0..<bytes.count) {
        case .value(let value)?: return value
        case .failure(let reason)?: throw AddressParseError(text: text(bytes, 0..<bytes.count), reason: reason)
        case nil: throw AddressParseError(text: text(bytes, 0..<bytes.count), reason: "is not an IPv4 address")
        }
    }

    static func ipv6(_ bytes: Bytes) throws(AddressParseError) -> UInt128 {
        guard isPrintableASCII(bytes) else { return try IPv6Address(parsing: text(bytes, 0..<bytes.count)).bits }
        return try printableIPv6(bytes)
    }

    /// `ipv6` for bytes already known to be printable ASCII.
    static func printableIPv6(_ bytes: Bytes) throws(AddressParseError) -> UInt128 {
        let all = 0..<bytes.count
        func fail(_ reason: String) -> AddressParseError { AddressParseError(text: text(bytes, all), reason: reason) }
        if let percentIndex = firstIndex(of: percent, in: bytes, all) {
            throw AddressParseError(text: text(bytes, all), reason: "has a zone id, which a firewall prefix cannot carry",
                                    suggestion: text(bytes, 0..<percentIndex))
        }
        guard firstIndex(of: colon, in: bytes, all) != nil else { throw fail("is not an IPv6 address") }
        // "::" occurrences, left to right and not overlapping, as String.split(separator: "::") finds them.
        var doubleColon: Int?
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == colon && bytes[index + 1] == colon {
                guard doubleColon == nil else { throw fail("has more than one \"::\"") }
                doubleColon = index
                index += 2
            } else {
                index += 1
            }
        }
        if let doubleColon {
            let head = try groups(bytes, 0..<doubleColon, embeddedIPv4Allowed: false, fail)
            let tail = try groups(bytes, doubleColon + 2..<bytes.count, embeddedIPv4Allowed: true, fail)
            guard head.count + tail.count <= 7 else { throw fail("has too many groups for \"::\" to stand for any") }
            return head.bits << UInt128(16 * (8 - head.count)) | tail.bits
        }
        let groups = try groups(bytes, all, embeddedIPv4Allowed: true, fail)
        guard groups.count == 8 else {
            throw fail("has \(groups.count) groups; an IPv6 address has 8 (or \"::\" for a run of zeros)")
        }
        return groups.bits
    }

    /// Colon-separated hex groups; the last may be a dotted quad standing for two groups.
    /// Bits beyond eight groups fall off the top; the caller refuses such counts anyway.
    private static func groups(_ bytes: Bytes, _ range: Range<Int>, embeddedIPv4Allowed: Bool,
                               _ fail: (String) -> AddressParseError) throws(AddressParseError) -> (bits: UInt128, count: Int) {
        guard !range.isEmpty else { return (0, 0) }
        var bits: UInt128 = 0
        var count = 0
        var start = range.lowerBound
        while true {
            let end = firstIndex(of: colon, in: bytes, start..<range.upperBound) ?? range.upperBound
            let isLast = end == range.upperBound
            if embeddedIPv4Allowed, isLast, firstIndex(of: dot, in: bytes, start..<end) != nil {
                switch dottedQuad(bytes, start..<end) {
                case .value(let v4)?: bits = bits << 32 | UInt128(v4)
                case .failure(let reason)?: throw fail("has an invalid embedded IPv4 address: it \(reason)")
                case nil: throw fail("is not an IPv6 address")
                }
                count += 2
            } else {
                guard end > start else { throw fail("has an empty group") }
                var group: UInt16 = 0
                for index in start..<end {
                    guard end - start <= 4, let digit = hexValue(bytes[index]) else {
                        throw fail("has an invalid group \"\(text(bytes, start..<end))\"")
                    }
                    group = group << 4 | digit
                }
                bits = bits << 16 | UInt128(group)
                count += 1
            }
            if isLast { return (bits, count) }
            start = end + 1
        }
    }

    /// `Prefix.init(parsing:)` over bytes; `address` parses the part before the slash.
    static func prefix<Address: IPAddressProtocol>(
        _ bytes: Bytes, _ address: (Bytes) throws(AddressParseError) -> Address
    ) throws(AddressParseError) -> Prefix<Address> {
        guard isPrintableASCII(bytes) else { return try Prefix(parsing: text(bytes, 0..<bytes.count)) }
        return try printablePrefix(bytes, address)
    }

    /// `prefix` for bytes already known to be printable ASCII; `address` is given printable
    /// bytes too, so it may be a `printable…` parser.
    static func printablePrefix<Address: IPAddressProtocol>(
        _ bytes: Bytes, _ address: (Bytes) throws(AddressParseError) -> Address
    ) throws(AddressParseError) -> Prefix<Address> {
        let all = 0..<bytes.count
        guard let slashIndex = firstIndex(of: slash, in: bytes, all) else {
            return Prefix(host: try address(bytes))
        }
        guard firstIndex(of: slash, in: bytes, slashIndex + 1..<bytes.count) == nil else {
            throw AddressParseError(text: text(bytes, all), reason: "has more than one \"/\"")
        }
        let parsed = try address(Bytes(rebasing: bytes[0..<slashIndex]))
        let lengthRange = slashIndex + 1..<bytes.count
        var length = 0
        var valid = !lengthRange.isEmpty && (lengthRange.count == 1 || bytes[lengthRange.lowerBound] != UInt8(ascii: "0"))
        for index in lengthRange where valid {
            if !isDigit(bytes[index]) || length > Address.bitWidth {
                valid = false
            } else {
                length = length * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            }
        }
        guard valid, length <= Address.bitWidth else {
            throw AddressParseError(
                text: text(bytes, all), reason: "has a prefix length that is not a number from 0 to \(Address.bitWidth)")
        }
        let network = Address(bits: parsed.bits & Prefix<Address>.mask(length))
        guard network == parsed else {
            throw AddressParseError(text: text(bytes, all), reason: "has host bits set", suggestion: "\(network)/\(length)")
        }
        return Prefix(network: network, length: length)!
    }
}

extension IPv4Address {
    /// The address in UTF-8 `bytes`; accepts and refuses exactly as `init(parsing:)` does.
    public init(utf8 bytes: UnsafeBufferPointer<UInt8>) throws(AddressParseError) {
        self.init(bits: try AddressUTF8.ipv4(bytes))
    }
}

extension IPv6Address {
    /// The address in UTF-8 `bytes`; accepts and refuses exactly as `init(parsing:)` does.
    public init(utf8 bytes: UnsafeBufferPointer<UInt8>) throws(AddressParseError) {
        self.init(bits: try AddressUTF8.ipv6(bytes))
    }
}

extension Prefix {
    /// The prefix in UTF-8 `bytes`; accepts and refuses exactly as `init(parsing:)` does.
    public init(utf8 bytes: UnsafeBufferPointer<UInt8>) throws(AddressParseError) {
        self = try AddressUTF8.prefix(bytes) { (part) throws(AddressParseError) -> Address in
            try Address(utf8: part)
        }
    }
}

extension IPPrefix {
    /// The prefix in UTF-8 `bytes`; accepts and refuses exactly as `init(parsing:)` does.
    public init(utf8 bytes: UnsafeBufferPointer<UInt8>) throws(AddressParseError) {
        // One pass for both questions; the parts below then skip the printable check.
        var printable = true, hasColon = false
        for byte in bytes {
            printable = printable && byte >= 0x20 && byte <= 0x7E
            hasColon = hasColon || byte == AddressUTF8.colon
        }
        guard printable else {
            self = try IPPrefix(parsing: AddressUTF8.text(bytes, 0..<bytes.count))
            return
        }
        if hasColon {
            self = .v6(try AddressUTF8.printablePrefix(bytes) { (part) throws(AddressParseError) in
                IPv6Address(bits: try AddressUTF8.printableIPv6(part))
            })
        } else {
            self = .v4(try AddressUTF8.printablePrefix(bytes) { (part) throws(AddressParseError) in
                IPv4Address(bits: try AddressUTF8.printableIPv4(part))
            })
        }
    }
}
