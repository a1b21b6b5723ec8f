/// An address of either family, for places where the family is data (packets, policy text).
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    /// Parses either family strictly; the error explains the nearer miss.
    public init(parsing text: String) throws(AddressParseError) {
        if text.contains(":") {
            self = .v6(try IPv6Address(parsing: text))
        } else {
            self = .v4(try IPv4Address(parsing: text))
        }
    }

    public var family: AddressFamily {
        switch self {
        case .v4: .ipv4
        case .v6: .ipv6
        }
    }

    public var description: String {
        switch self {
        case .v4(let address): address.description
        case .v6(let address): address.description
        }
    }
}

/// A prefix of either family, as written in a policy or a catalog.
public enum IPPrefix: Hashable, Sendable, CustomStringConvertible, Comparable {
    case v4(IPv4Prefix)
    case v6(IPv6Prefix)

    public init(parsing text: String) throws(AddressParseError) {
        if text.contains(":") {
            self = .v6(try IPv6Prefix(parsing: text))
        } else {
            self = .v4(try IPv4Prefix(parsing: text))
        }
    }

    public var family: AddressFamily {
        switch self {
        case .v4: .ipv4
        case .v6: .ipv6
        }
    }

    public var description: String {
        switch self {
        case .v4(let prefix): prefix.description
        case .v6(let prefix): prefix.description
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case let (.v4(a), .v4(b)): a < b
        case let (.v6(a), .v6(b)): a < b
        case (.v4, .v6): true
        case (.v6, .v4): false
        }
    }
}
