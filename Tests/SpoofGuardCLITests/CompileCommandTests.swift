import Foundation
import Testing

@Suite("spoofguard compile (the built binary)")
struct CompileCommandTests {
    static func contents(_ path: String) throws -> String {
        try String(contentsOf: BuiltBinary.packageRoot.appendingPathComponent(path), encoding: .utf8)
    }

    /// nft 1.0.6 JSON has no `typeof`: a ruleset with the bridge/ingress encapsulation guards
    /// is refused as JSON (naming each set) rather than written without them.
    @Test func jsonRefusesEncapsulationGuardsItCannotDeclare() throws {
        let result = try BuiltBinary.run(["compile", "Examples/bridge.json", "--format", "json"])
        #expect(result.status == 65)
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError.contains("set source_ipv4_encapsulated: is declared typeof @ll,272,32, which nft 1.0.6 cannot read from JSON"))
        #expect(try BuiltBinary.run(["compile", "Examples/bridge.json"]).status == 0)
    }

    /// The printed load file is the reference ruleset that GoldenRulesetTests keeps in step.
    @Test(arguments: ["router", "host-default", "bridge", "ingress", "strict"])
    func printsTheReferenceRuleset(_ name: String) throws {
        let result = try BuiltBinary.run(["compile", "Examples/\(name).json"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == (try Self.contents("Rules/\(name).nft")))
        #expect(result.standardError.isEmpty)
    }

    @Test func readsStandardInputAndPrintsJSON() throws {
        let result = try BuiltBinary.run(["compile", "-", "--format", "json"], standardInput: try Self.contents("Examples/router.json"))
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("{\"nftables\": [\n{\"metainfo\": {\"json_schema_version\": 1}},\n"))
        #expect(result.standardOutput.contains(#"{"add": {"chain": {"family": "inet", "table": "spoofguard", "name": "prerouting", "type": "filter", "hook": "prerouting", "prio": -300, "policy": "accept"}}}"#))
        #expect(result.standardOutput.hasSuffix("\n]}\n"))
    }

    @Test func writesTheOutputFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("spoofguard-compile-\(UUID().uuidString).nft")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try BuiltBinary.run(["compile", "Examples/strict.json", "-o", file.path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
        #expect(try String(contentsOf: file, encoding: .utf8) == (try Self.contents("Rules/strict.nft")))
    }

    /// `-o /dev/null` once replaced the device with a regular file (an atomic write renames over
    /// its target). A symlink stands in for it here: it must stay a link, written through.
    @Test func writesThroughWhatIsNotARegularFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spoofguard-compile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("target.nft"), link = directory.appendingPathComponent("link.nft")
        _ = FileManager.default.createFile(atPath: target.path, contents: nil)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let result = try BuiltBinary.run(["compile", "Examples/strict.json", "-o", link.path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try FileManager.default.attributesOfItem(atPath: link.path)[.type] as? FileAttributeType == .typeSymbolicLink)
        #expect(try String(contentsOf: target, encoding: .utf8) == (try Self.contents("Rules/strict.nft")))
        #expect(try BuiltBinary.run(["compile", "Examples/strict.json", "-o", "/dev/null"]).status == 0)
        #expect(try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType == .typeCharacterSpecial)
    }

    @Test func invalidPolicyExits65AndWritesNothing() throws {
        let result = try BuiltBinary.run(["compile", "-"], standardInput: #"{"version": 1, "hooks": ["postrouting"]}"#)
        #expect(result.status == 65)
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError.hasPrefix("<stdin>: $.hooks[0]: "))
    }

    @Test func unreadablePolicyExits66() throws {
        let result = try BuiltBinary.run(["compile", "/nonexistent/policy.json"])
        #expect(result.status == 66)
        #expect(result.standardError == "/nonexistent/policy.json: cannot open: No such file or directory\n")
    }

    @Test func unwritableOutputExits71() throws {
        let result = try BuiltBinary.run(["compile", "Examples/router.json", "-o", "/nonexistent/dir/out.nft"])
        #expect(result.status == 71)
        #expect(result.standardError.hasPrefix("/nonexistent/dir/out.nft: cannot write: "))
    }

    @Test func unknownFormatIsAUsageError() throws {
        let result = try BuiltBinary.run(["compile", "Examples/router.json", "--format", "yaml"])
        #expect(result.status == 64)
    }
}
