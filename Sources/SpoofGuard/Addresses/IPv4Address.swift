/// An IPv4 address. Parsing accepts the dotted-quad form only: `127.1`, `0177.0.0.1` and
/// `127.0.0.01` are refused because inet_aton would read them differently from a human.
public struct IPv4Address: IPAddressProtocol {
    public var bits: UInt32
    public init(bits: UInt32) { self.bits = bits }
    public static let family = AddressFamily.ipv4

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        bits = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    public init(parsing text: String) throws(AddressParseError) {
        guard let bits = Self.parseDottedQuad(Substring(text), original: text, error: { reason in
            AddressParseError(text: text, reason: reason)
        }) else {
            throw AddressParseError(text: text, reason: "is not an IPv4 address")
        }
        self.bits = try bits.get()
    }

    /// Parses exactly four decimal octets. Returns nil when the text has no dots at all
    /// (so a caller can try another family), a failure with a reason otherwise.
    static func parseDottedQuad(
        _ text: Substring, original: String, error: (String) -> AddressParseError
    ) -> Result<UInt32, AddressParseError>? {
        guard text.contains(".") else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else {
            return .failure(error("is not a dotted-quad IPv4 address (write all four octets, e.g. \"127.0.0.1\")"))
        }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                return .failure(error("is not a dotted-quad IPv4 address (octets are decimal numbers 0-255)"))
            }
            guard part == "0" || part.first != "0" else {
                return .failure(error("has an octet with a leading zero, which some parsers read as octal; write it without the zero"))
            }
            guard part.count <= 3, let octet = UInt32(part), octet <= 255 else {
                return .failure(error("has an octet greater than 255"))
            }
            value = value << 8 | octet
        }
        return .success(value)
    }

    public var octets: (UInt8, UInt8, UInt8, UInt8) {
        (UInt8(bits >> 24), UInt8(truncatingIfNeeded: bits >> 16),
         UInt8(truncatingIfNeeded: bits >> 8), UInt8(truncatingIfNeeded: bits))
    }

    /// Network byte order, as on the wire and in nftables set keys.
    public var bytes: [UInt8] {
        let o = octets
        return [o.0, o.1, o.2, o.3]
    }

    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 4 else { return nil }
        bits = bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    public var description: String {
        let o = octets
        return "\(o.0).\(o.1).\(o.2).\(o.3)"
    }
}
