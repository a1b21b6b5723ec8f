/// An IPv6 address. Parsing refuses zone ids (`fe80::1%eth0`): a firewall prefix has no scope.
/// Printing follows RFC 5952 as glibc's inet_ntop does (and therefore as `nft list` does),
/// including the mixed form for IPv4-mapped and IPv4-compatible addresses.
public struct IPv6Address: IPAddressProtocol {
    public var bits: UInt128
    public init(bits: UInt128) { self.bits = bits }
    public static let family = AddressFamily.ipv6

    public static let loopback = IPv6Address(bits: 1)

    public init(parsing text: String) throws(AddressParseError) {
        func fail(_ reason: String) -> AddressParseError { AddressParseError(text: text, reason: reason) }
        if text.contains("%") {
            let address = text.prefix { $0 != "%" }
            throw AddressParseError(text: text, reason: "has a zone id, which a firewall prefix cannot carry",
                                    suggestion: String(address))
        }
        guard text.contains(":") else { throw fail("is not an IPv6 address") }
        let halves = text.split(separator: "::", omittingEmptySubsequences: false)
        guard halves.count <= 2 else { throw fail("has more than one \"::\"") }
        let head = try Self.groups(halves[0], embeddedIPv4Allowed: halves.count == 1, fail)
        let tail = halves.count == 2 ? try Self.groups(halves[1], embeddedIPv4Allowed: true, fail) : []
        let count = head.count + tail.count
        if halves.count == 2 {
            guard count <= 7 else { throw fail("has too many groups for \"::\" to stand for any") }
        } else {
            guard count == 8 else {
                throw fail("has \(count) groups; an IPv6 address has 8 (or \"::\" for a run of zeros)")
            }
        }
        var value: UInt128 = 0
        for group in head { value = value << 16 | UInt128(group) }
        value <<= UInt128(16 * (8 - head.count))
        var low: UInt128 = 0
        for group in tail { low = low << 16 | UInt128(group) }
        bits = value | low
    }

    /// Colon-separated hex groups; the last may be a dotted quad standing for two groups.
    private static func groups(
        _ text: Substring, embeddedIPv4Allowed: Bool, _ fail: (String) -> AddressParseError
    ) throws(AddressParseError) -> [UInt16] {
        guard !text.isEmpty else { return [] }
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        var result: [UInt16] = []
        for (index, piece) in pieces.enumerated() {
            if embeddedIPv4Allowed, index == pieces.count - 1, piece.contains(".") {
                switch IPv4Address.parseDottedQuad(piece, original: String(text), error: { reason in
                    fail("has an invalid embedded IPv4 address: it \(reason)")
                }) {
                case .success(let v4)?: result += [UInt16(v4 >> 16), UInt16(v4 & 0xffff)]
                case .failure(let error)?: throw error
                case nil: throw fail("is not an IPv6 address")
                }
            } else {
                result.append(try group(piece, fail))
            }
        }
        return result
    }

    private static func group(_ text: Substring, _ fail: (String) -> AddressParseError) throws(AddressParseError) -> UInt16 {
        guard !text.isEmpty, text.count <= 4, let value = UInt16(text, radix: 16),
              text.allSatisfy({ $0.isHexDigit }) else {
            throw fail(text.isEmpty ? "has an empty group" : "has an invalid group \"\(text)\"")
        }
        return value
    }

    /// Network byte order, as on the wire and in nftables set keys.
    public var bytes: [UInt8] {
        (0..<16).map { UInt8(truncatingIfNeeded: bits >> UInt128(120 - 8 * $0)) }
    }

    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        bits = bytes.reduce(0) { $0 << 8 | UInt128($1) }
    }

    public var groups: [UInt16] {
        (0..<8).map { UInt16(truncatingIfNeeded: bits >> UInt128(112 - 16 * $0)) }
    }

    /// The IPv4 address in the low 32 bits (for the mapped, compatible, NAT64 forms).
    public var embeddedIPv4: IPv4Address { IPv4Address(bits: UInt32(truncatingIfNeeded: bits)) }

    /// How the text form is laid out: the run of zero groups written `::` (the longest of two
    /// or more, the first one on a tie: RFC 5952 §4.2.3; start -1 when none), and whether the
    /// last 32 bits are a dotted quad, as glibc prints ::a.b.c.d and ::ffff:a.b.c.d. Shared by
    /// `description` and the dry-run listing's byte writer.
    static func textLayout(_ bits: UInt128) -> (best: (start: Int, length: Int), mixed: Bool) {
        func group(_ index: Int) -> UInt16 { UInt16(truncatingIfNeeded: bits >> UInt128(112 - 16 * index)) }
        var best = (start: -1, length: 0)
        var current = (start: -1, length: 0)
        for index in 0..<8 {
            if group(index) == 0 {
                if current.start < 0 { current = (index, 0) }
                current.length += 1
                if current.length > best.length { best = current }
            } else {
                current = (-1, 0)
            }
        }
        if best.length < 2 { best = (-1, 0) }
        return (best, best.start == 0 && (best.length == 6 || (best.length == 5 && group(5) == 0xffff)))
    }

    public var description: String {
        let words = groups
        let (best, mixed) = Self.textLayout(bits)
        var text = ""
        var index = 0
        while index < 8 {
            if index == best.start {
                text += index == 0 ? "::" : ":"
                index += best.length
                continue
            }
            if mixed && index == 6 {
                text += embeddedIPv4.description
                break
            }
            text += String(words[index], radix: 16)
            if index < 7 { text += ":" }
            index += 1
        }
        return text
    }
}
