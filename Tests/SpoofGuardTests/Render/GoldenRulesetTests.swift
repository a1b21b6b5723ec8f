import Foundation
import Testing
@testable import SpoofGuard
import SpoofGuardTestSupport

/// Every example policy compiles to exactly its reference ruleset: Examples/<name>.json →
/// Rules/<name>.nft (the `nft -f` load file). A change to the compiler or the renderer shows
/// up as a readable diff of Rules/. Regenerate with `Scripts/update-golden-rulesets`
/// (which runs this suite with SPOOFGUARD_UPDATE_GOLDENS=1) and review the diff.
@Suite(.serialized) struct GoldenRulesetTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let examples = root.appendingPathComponent("Examples")
    static let rules = root.appendingPathComponent("Rules")
    static let updating = ProcessInfo.processInfo.environment["SPOOFGUARD_UPDATE_GOLDENS"] == "1"

    static func names(in directory: URL, extension suffix: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix("." + suffix) }.map { String($0.dropLast(suffix.count + 1)) }.sorted()
    }

    static var exampleNames: [String] { names(in: examples, extension: "json") }

    static func golden(_ name: String) -> URL { rules.appendingPathComponent(name + ".nft") }

    static func compiled(_ name: String) throws -> Ruleset {
        Compiler.compile(try Policy.load(from: examples.appendingPathComponent(name + ".json").path))
    }

    @Test func everyExampleHasAReferenceRulesetAndNoneIsStale() {
        #expect(!Self.exampleNames.isEmpty, "no Examples/*.json found under \(Self.root.path)")
        let goldens = Self.names(in: Self.rules, extension: "nft")
        let stale = goldens.filter { !Self.exampleNames.contains($0) }
        #expect(stale.isEmpty, "Rules/\(stale.first ?? "").nft has no Examples/\(stale.first ?? "").json; delete it")
    }

    @Test(arguments: exampleNames)
    func exampleCompilesToItsReferenceRuleset(_ name: String) throws {
        let ruleset = try Self.compiled(name)
        #expect(RenderProblem.problems(in: ruleset).isEmpty)
        let rendered = NftTextRenderer.loadFile(ruleset)
        let url = Self.golden(name)
        if Self.updating {
            try rendered.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let stored = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("Rules/\(name).nft is missing; run Scripts/update-golden-rulesets")
            return
        }
        #expect(stored == rendered, "Rules/\(name).nft differs from what Examples/\(name).json compiles to; run Scripts/update-golden-rulesets and review the diff")
    }

    /// nft itself accepts each reference ruleset (`nft -c`), and once loaded lists exactly the
    /// rendered listing. Hook devices need not exist: this kernel binds missing ones later.
    @Test(.tool(NftOracle.isAvailable, Comment(rawValue: NftOracle.unavailableReason)), arguments: exampleNames)
    func nftAcceptsTheReferenceRuleset(_ name: String) throws {
        let path = Self.golden(name).path
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record("Rules/\(name).nft is missing; run Scripts/update-golden-rulesets")
            return
        }
        let output = try NftOracle.run("""
            nft -c -f '\(path)'
            nft -f '\(path)'
            nft -f '\(path)'
            nft list ruleset
            """)
        #expect(output.status == 0, "nft refused Rules/\(name).nft: \(output.stderr)")
        #expect(output.stdout == NftTextRenderer.listing(try Self.compiled(name)))
    }
}
