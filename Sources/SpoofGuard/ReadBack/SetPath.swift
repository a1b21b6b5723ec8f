/// A set by family, table and name: how digests of set elements are keyed, in the kernel's
/// set user data and in the element record.
public struct SetPath: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var family: TableFamily
    public var table: String
    public var set: String

    public init(family: TableFamily, table: String, set: String) {
        self.family = family
        self.table = table
        self.set = set
    }

    public static func < (a: SetPath, b: SetPath) -> Bool {
        (a.family.nfproto, a.table, a.set) < (b.family.nfproto, b.table, b.set)
    }

    public var description: String { "\(family.rawValue) \(table) \(set)" }
}
