import Testing
@testable import SpoofGuard

/// Duplicate guard entries are detected by sorting once; the detector must agree with the
/// obvious pairwise definition, and a detected duplicate must still be reported in full.
@Suite struct GuardDuplicateTests {
    @Test func detectorMatchesPairwiseDefinition() {
        var generator = SeededGenerator(seed: 99)
        let catalogs = ["loopback", "loopback-mapped", "martians"]
        for _ in 0..<3_000 {
            let entries: [GuardEntry] = (0..<Int.random(in: 0...12, using: &generator)).map { index in
                switch Int.random(in: 0..<4, using: &generator) {
                case 0:
                    let name = catalogs.randomElement(using: &generator)!
                    return GuardEntry(origin: .catalog(name), prefixes: Catalog.named(name)!.prefixes, path: "[\(index)]")
                case 1:
                    let length = Int.random(in: 30...32, using: &generator)
                    let bits = UInt32.random(in: 0..<8, using: &generator) & IPv4Prefix.mask(length)
                    let prefix = IPPrefix.v4(IPv4Prefix(network: IPv4Address(bits: bits), length: length)!)
                    return GuardEntry(origin: .literal(prefix.description), prefixes: [prefix], path: "[\(index)]")
                default:
                    let length = Int.random(in: 126...128, using: &generator)
                    let bits = UInt128.random(in: 0..<8, using: &generator) & IPv6Prefix.mask(length)
                    let prefix = IPPrefix.v6(IPv6Prefix(network: IPv6Address(bits: bits), length: length)!)
                    return GuardEntry(origin: .literal(prefix.description), prefixes: [prefix], path: "[\(index)]")
                }
            }
            func key(_ entry: GuardEntry) -> String {
                switch entry.origin {
                case .catalog(let name): "catalog " + name
                case .literal: "prefix " + entry.prefixes[0].description
                }
            }
            let pairwise = entries.indices.contains { i in entries.indices.contains { j in i < j && key(entries[i]) == key(entries[j]) } }
            #expect(PolicyDecoder.containsDuplicates(entries) == pairwise)
        }
    }

    /// The same prefix written two ways, among other problems: the report names the earlier
    /// place, and the problems before and after it are all kept, in document order.
    @Test func duplicateWrittenDifferentlyIsReportedWithTheOthers() {
        let text = #"{"version": 1, "guard": {"source": ["10.0.0.0/8", "10.0.0.1/8", "::1/128", "0::1", "nope"]}}"#
        #expect(throws: PolicyError(source: "p.json", problems: [
            PolicyProblem(path: "$.guard.source[1]", message: #""10.0.0.1/8" has host bits set; did you mean "10.0.0.0/8"?"#, line: 1, column: 51),
            PolicyProblem(path: "$.guard.source[3]", message: #""0::1" is listed twice (also at $.guard.source[2]); remove one"#, line: 1, column: 76),
            PolicyProblem(path: "$.guard.source[4]", message: #""nope" is neither a catalog nor a prefix; the catalogs are "loopback", "loopback-mapped", "martians", "unspecified", or write a prefix such as "127.0.0.0/8""#, line: 1, column: 84),
        ])) {
            try Policy.decode(Array(text.utf8), source: "p.json")
        }
    }

    /// A list with an element of another type is reported for that alone: its strings are
    /// not read, so neither the bad prefix nor the duplicate below is reported.
    @Test func wrongElementTypeHidesTheRest() {
        let text = #"{"version": 1, "guard": {"source": ["10.0.0.1/8", true, "::1", "::1", null]}}"#
        #expect(throws: PolicyError(source: "p.json", problems: [
            PolicyProblem(path: "$.guard.source[1]", message: "must be a catalog name or prefix (a string), not a boolean", line: 1, column: 51),
            PolicyProblem(path: "$.guard.source[4]", message: "must be a catalog name or prefix (a string), not null", line: 1, column: 71),
        ])) {
            try Policy.decode(Array(text.utf8), source: "p.json")
        }
    }
}
