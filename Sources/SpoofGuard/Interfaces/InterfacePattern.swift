/// An interface name or a prefix wildcard (`wan*`), with the kernel's naming rules and
/// nftables' meaning: a wildcard also matches interfaces that do not exist yet.
public struct InterfacePattern: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The name, or for a wildcard the prefix before `*` (possibly empty).
    public let stem: String
    public let isWildcard: Bool

    /// IFNAMSIZ is 16 including the terminating NUL.
    public static let maximumNameLength = 15

    public static let loopback = InterfacePattern(validatedName: "lo")

    private init(validatedName: String) {
        stem = validatedName
        isWildcard = false
    }

    /// From the parts a kernel rule holds (the compared bytes, and whether they end at a NUL).
    /// A stem holding "*" is refused: in the kernel it is a literal character (nft writes it as
    /// `\*`), which the pattern syntax cannot express — read back through `init(parsing:)`, the
    /// exact name "ab*" would become the wildcard `ab*` (found by Fuzz/Targets/delinearize).
    public init(stem: String, isWildcard: Bool) throws(InterfaceNameError) {
        if stem.contains("*") {
            throw InterfaceNameError(name: stem, reason: "holds a literal \"*\", which spoofguard's interface patterns cannot express")
        }
        try self.init(parsing: isWildcard ? stem + "*" : stem)
    }

    /// Validates as the kernel's `dev_valid_name` does, plus one trailing `*`.
    public init(parsing text: String) throws(InterfaceNameError) {
        var stem = Substring(text)
        let isWildcard = stem.hasSuffix("*")
        if isWildcard { stem = stem.dropLast() }
        if stem.contains("*") {
            throw InterfaceNameError(name: text, reason: "may hold \"*\" only as its last character (a prefix wildcard)")
        }
        if !isWildcard && stem.isEmpty { throw InterfaceNameError(name: text, reason: "is empty") }
        if stem.utf8.count > Self.maximumNameLength {
            throw InterfaceNameError(name: text, reason: "is longer than \(Self.maximumNameLength) bytes, the kernel's limit")
        }
        if !isWildcard && (stem == "." || stem == "..") {
            throw InterfaceNameError(name: text, reason: "is not a valid interface name")
        }
        if let bad = stem.unicodeScalars.first(where: { $0 == "/" || $0 == ":" || $0.properties.isWhitespace || $0.value == 0 }) {
            let shown = bad.properties.isWhitespace ? "whitespace" : "\"\(bad)\""
            throw InterfaceNameError(name: text, reason: "contains \(shown), which interface names cannot hold")
        }
        self.stem = String(stem)
        self.isWildcard = isWildcard
    }

    public func matches(_ interfaceName: String) -> Bool {
        isWildcard ? interfaceName.hasPrefix(stem) : interfaceName == stem
    }

    /// Whether some interface name could match both patterns.
    public func overlaps(_ other: InterfacePattern) -> Bool {
        switch (isWildcard, other.isWildcard) {
        case (false, false): stem == other.stem
        case (true, false): matches(other.stem)
        case (false, true): other.matches(stem)
        case (true, true): stem.hasPrefix(other.stem) || other.stem.hasPrefix(stem)
        }
    }

    /// A concrete name this pattern matches (for a wildcard: its stem plus "0").
    public var exampleName: String {
        guard isWildcard else { return stem }
        let candidate = stem + "0"
        return candidate.utf8.count <= Self.maximumNameLength ? candidate : stem
    }

    public var description: String { isWildcard ? stem + "*" : stem }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }
}

public struct InterfaceNameError: Error, Equatable, Sendable, CustomStringConvertible {
    public var name: String
    public var reason: String
    public var description: String { "interface \"\(name)\" \(reason)" }
}
