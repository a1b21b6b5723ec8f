/// `NFT_PAYLOAD_*_HEADER`: where a payload load starts counting.
public enum PayloadBase: UInt32, Hashable, Sendable, CustomStringConvertible {
    case link = 0
    case network = 1
    case transport = 2

    /// As `nft --debug=netlink` names it (`@ network header + 12`).
    public var description: String {
        switch self {
        case .link: "link"
        case .network: "network"
        case .transport: "transport"
        }
    }
}
