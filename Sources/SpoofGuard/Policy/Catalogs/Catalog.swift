/// A named list of prefixes from `Rules/catalogs/*.json`, each with the RFC that makes it
/// spoofed and a one-line reason. The data is compiled into the binary
/// (`CatalogData.generated.swift`, written by `Scripts/generate-catalogs`), so an installed
/// spoofguard never reads the working directory; a test proves binary and Rules/ agree.
public struct Catalog: Hashable, Sendable, Identifiable {
    public struct Entry: Hashable, Sendable, CustomStringConvertible {
        public var prefix: IPPrefix
        /// The standard that makes it spoofed, with section, e.g. `RFC 4291 §2.5.3`.
        public var rfc: String
        public var reason: String

        public init(prefix: IPPrefix, rfc: String, reason: String) {
            self.prefix = prefix
            self.rfc = rfc
            self.reason = reason
        }

        public var description: String { "\(prefix) (\(rfc)): \(reason)" }
    }

    public var name: String
    public var description: String
    public var entries: [Entry]
    /// Address fields this catalog must not guard, with the reason shown to the user:
    /// `unspecified` is refused as a source (DHCP, DAD), `martians` as a destination.
    public var refusals: [AddressField: String]
    /// Blocks deliberately left out, with why (documentation; never compiled into rules).
    public var excluded: [Entry]

    public init(name: String, description: String, entries: [Entry],
                refusals: [AddressField: String] = [:], excluded: [Entry] = []) {
        self.name = name
        self.description = description
        self.entries = entries
        self.refusals = refusals
        self.excluded = excluded
    }

    public var id: String { name }
    public var prefixes: [IPPrefix] { entries.map(\.prefix) }

    /// Every catalog compiled into this binary, in name order.
    public static let all: [Catalog] = generatedCatalogs.sorted { $0.name < $1.name }

    public static func named(_ name: String) -> Catalog? {
        // A prefix never starts like a catalog name does: one byte spares hashing it.
        guard let first = name.utf8.first, nameFirstBytes[Int(first)] else { return nil }
        return byName[name]
    }

    /// Indexed by byte: whether some catalog name starts with it.
    private static let nameFirstBytes: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for catalog in all { if let first = catalog.name.utf8.first { table[Int(first)] = true } }
        return table
    }()

    /// Every guard entry is looked up here first, so a 100 k-prefix list wants one hash, not
    /// a string comparison per catalog.
    private static let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    public static var names: [String] { all.map(\.name) }

    /// Sources that are legitimate even though they look bogus (0.0.0.0/8, ::): the catalogs
    /// refused in `guard.source`. A literal source prefix overlapping one of these is refused
    /// for the same reason the catalog is.
    /// Stored, not computed: every literal source prefix is checked against it.
    static let protectedSources: [(catalog: Catalog, prefix: IPPrefix)] = {
        all.filter { $0.refusals[.source] != nil }.flatMap { catalog in
            catalog.prefixes.map { (catalog, $0) }
        }
    }()
}

extension Catalog.Entry {
    /// For the generated data: the generator only writes prefixes that parse (the agreement
    /// test re-checks every one against Rules/).
    init(_ prefix: String, rfc: String, reason: String) {
        do {
            self.init(prefix: try IPPrefix(parsing: prefix), rfc: rfc, reason: reason)
        } catch {
            preconditionFailure("catalog data holds an invalid prefix: \(error)")
        }
    }
}
