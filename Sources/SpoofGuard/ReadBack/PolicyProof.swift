/// What lets an unchanged `apply` or `diff` answer without decoding or compiling the policy:
/// kept in the element record after spoofguard proved that the kernel holds what these exact
/// policy bytes compile to, with this exact spoofguard binary. `Policy` is a pure function of
/// the policy's bytes and the compiler of the binary (the catalogs are compiled in, nothing
/// reads the environment or other files), so the same bytes and the same build-id give the same
/// ruleset and the same validation verdict. The record is still only a cache: it is believed
/// only while the generation is the recorded one *and* the tables read back without elements
/// (chains, rules, set definitions with their element digests) hash to `loadedDigest`
/// (Docs/hardening.md, "The element record").
public struct PolicyProof: Sendable, Equatable {
    /// SHA-256 of the policy's bytes, as read (file or standard input).
    public var policyDigest: [UInt8]
    /// The GNU build-id of the spoofguard that compiled them.
    public var buildID: [UInt8]
    /// `PolicyProof.loadedDigest` of the tables as loaded.
    public var loadedDigest: [UInt8]
    /// What the unchanged report prints: the tables' families, in the report's order, with
    /// their rules and set elements.
    public var families: [TableFamily]
    public var rules: Int
    public var elements: Int

    public init(policyDigest: [UInt8], buildID: [UInt8], loadedDigest: [UInt8], families: [TableFamily], rules: Int, elements: Int) {
        self.policyDigest = policyDigest
        self.buildID = buildID
        self.loadedDigest = loadedDigest
        self.families = families
        self.rules = rules
        self.elements = elements
    }

    /// A build-id is a few to 64 bytes (gold and ld write 20 by default).
    public static let buildIDLengths = 1...64

    /// The digest of `tables` as the kernel holds them apart from elements and counters (the
    /// form in which apply compares them with the policy: `withoutSetElements.kernelComparable`),
    /// with the element digest of each set (`setDigests`, which stand in for the elements).
    public static func loadedDigest(of tables: Ruleset, setDigests: [SetPath: [UInt8]]) -> [UInt8] {
        let sets = setDigests.sorted { $0.key < $1.key }.map { LoadedSet(path: $0.key, digest: $0.value) }
        return StructuralDigest.of(Loaded(tables: tables.withoutSetElements.kernelComparable, sets: sets))
    }

    private struct Loaded {
        var tables: Ruleset
        var sets: [LoadedSet]
    }

    private struct LoadedSet {
        var path: SetPath
        var digest: [UInt8]
    }
}
