import Testing
@testable import SpoofGuard

/// The structural digest behind the policy proof's loaded-table digest: the same value hashes
/// the same, any stored difference hashes apart, and nothing of the process (ASLR) leaks in.
@Suite struct StructuralDigestTests {
    private struct Private { var a: String; var b: [Int] }

    static let table = Table(family: .inet, name: "spoofguard", sets: [
        NamedSet(name: "source_ipv4", flags: [.constant, .interval], elements: .ipv4(IPv4Set())),
    ], chains: [Chain(name: "prerouting", rules: [Rule([.verdict(.drop)], comment: "guard")])], comment: TableOwnership.mark)

    @Test func equalValuesHashEqual() {
        #expect(StructuralDigest.of(Ruleset(tables: [Self.table])) == StructuralDigest.of(Ruleset(tables: [Self.table])))
        #expect(StructuralDigest.of(Ruleset(tables: [Self.table])).count == 32)
    }

    @Test func everyStoredDifferenceHashesApart() {
        var variants = [Ruleset(tables: [Self.table])]
        func variant(_ change: (inout Table) -> Void) {
            var table = Self.table
            change(&table)
            variants.append(Ruleset(tables: [table]))
        }
        variant { $0.family = .netdev }
        variant { $0.name = "spoofguarD" }
        variant { $0.comment = nil }
        variant { $0.comment = "" }
        variant { $0.flags = .dormant }
        variant { $0.sets[0].flags = [.constant] }
        variant { $0.sets[0].elements = .ipv6(IPv6Set()) }
        variant { $0.sets[0].comment = "x" }
        variant { $0.sets = [] }
        variant { $0.chains[0].rules[0].statements = [.verdict(.accept)] }
        variant { $0.chains[0].rules[0].comment = "guarD" }
        variant { $0.chains[0].rules.append($0.chains[0].rules[0]) }
        variant { $0.chains[0].base = BaseChain(type: .filter, hook: .prerouting, priority: .raw, policy: .accept) }
        variant { $0.chains[0].name = "prerouting2" }
        let digests = variants.map { StructuralDigest.of($0) }
        #expect(Set(digests).count == variants.count)
    }

    /// Strings are length-prefixed: moving a character across a boundary changes the digest.
    @Test func boundariesAreUnambiguous() {
        #expect(StructuralDigest.of(["ab", "c"]) != StructuralDigest.of(["a", "bc"]))
        #expect(StructuralDigest.of(Optional<Int>.none) != StructuralDigest.of(Optional(0)))
        #expect(StructuralDigest.of([Int]()) != StructuralDigest.of([0]))
        #expect(StructuralDigest.of(ChainPolicy.accept) != StructuralDigest.of(ChainPolicy.drop))
    }

    /// A private type's name holds its context's address; that part is left out.
    @Test func privateTypeNamesCarryNoAddress() {
        let name = StructuralDigest.typeName(Private.self)
        #expect(!name.contains("$"), "\(name)")
        #expect(name.hasSuffix(".Private"))
        #expect(StructuralDigest.of(Private(a: "x", b: [1])) != StructuralDigest.of(Private(a: "x", b: [2])))
        #expect(StructuralDigest.typeName(Ruleset.self) == "SpoofGuard.Ruleset")
    }

    /// The loaded-table digest leaves out what "unchanged" ignores (counters, handles, elements)
    /// and keeps the set element digests.
    @Test func loadedDigestIgnoresRuntimeStateAndElements() {
        let path = SetPath(family: .inet, table: "spoofguard", set: "source_ipv4")
        let digests = [path: [UInt8](repeating: 1, count: 17)]
        let plain = PolicyProof.loadedDigest(of: Ruleset(tables: [Self.table]), setDigests: digests)
        var busy = Self.table
        busy.chains[0].rules[0].statements.insert(.counter(Counter(packets: 5, bytes: 500)), at: 0)
        busy.chains[0].rules[0].handle = 42
        busy.sets[0].elements = .ipv4(IPv4Set(ranges: [UInt32(0x7f00_0000)...0x7fff_ffff]))
        var quiet = Self.table
        quiet.chains[0].rules[0].statements.insert(.counter(Counter(packets: 0, bytes: 0)), at: 0)
        #expect(PolicyProof.loadedDigest(of: Ruleset(tables: [busy]), setDigests: digests)
                == PolicyProof.loadedDigest(of: Ruleset(tables: [quiet]), setDigests: digests))
        #expect(plain != PolicyProof.loadedDigest(of: Ruleset(tables: [quiet]), setDigests: digests))
        #expect(plain != PolicyProof.loadedDigest(of: Ruleset(tables: [Self.table]), setDigests: [path: [UInt8](repeating: 2, count: 17)]))
        #expect(plain != PolicyProof.loadedDigest(of: Ruleset(tables: [Self.table]), setDigests: [:]))
    }
}
