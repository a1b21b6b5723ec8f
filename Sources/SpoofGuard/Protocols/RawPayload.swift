/// A raw payload load, `@ll,272,32` in nft's syntax: where it counts from, and which bytes.
/// spoofguard writes these where nft has no keyword for the field (a PPPoE session's PPP
/// protocol, an address behind two tags or PPPoE).
public struct RawPayload: Hashable, Sendable, CustomStringConvertible {
    public var base: PayloadBase
    /// Bytes from the base.
    public var offset: UInt32
    /// Bytes loaded.
    public var length: UInt32

    public init(_ base: PayloadBase, offset: UInt32, length: UInt32) {
        self.base = base
        self.offset = offset
        self.length = length
    }

    /// The address field `field` of an IP header that starts `networkOffset` bytes into the frame.
    public static func address(_ family: AddressFamily, _ field: AddressField, networkOffset: UInt32) -> RawPayload {
        let headerField = HeaderField.address(family, field)
        return RawPayload(.link, offset: networkOffset + headerField.offset, length: headerField.length)
    }

    /// The IP address field this load reads in one of the encapsulations spoofguard guards.
    public var encapsulatedAddress: (family: AddressFamily, field: AddressField)? {
        guard base == .link else { return nil }
        for encapsulation in LinkEncapsulation.guarded where offset >= encapsulation.networkOffset {
            if let found = HeaderField.address(atNetworkOffset: offset - encapsulation.networkOffset, length: length,
                                               families: AddressFamily.allCases),
               found.0.addressLength == length {
                return found
            }
        }
        return nil
    }

    /// nft's raw syntax, in bits: `@ll,272,32`.
    public var description: String { "@\(base.nftShortName),\(offset * 8),\(length * 8)" }
}

extension PayloadBase {
    /// The base as nft's raw payload syntax names it.
    var nftShortName: String {
        switch self {
        case .link: "ll"
        case .network: "nh"
        case .transport: "th"
        }
    }
}
