import Foundation
import SpoofGuardTestSupport
import Testing
@testable import SpoofGuard

/// Rules/schema/policy-v1.schema.json and the decoder must agree: every example is valid for
/// both, and every policy of the invalid corpus is refused by both — except the few checks a
/// JSON Schema cannot express, which are listed here by name so that the list cannot grow silently.
@Suite("policy JSON Schema agrees with the decoder")
struct PolicySchemaTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Checks only the decoder can make: host bits, overlaps between patterns, nft keywords,
    /// duplicate keys (JSON parsers keep the last), and the ingress hook's need for concrete names.
    static let decoderOnly: Set<String> = [
        "host-bits.json", "overlapping-patterns.json", "external-overlaps-internal.json",
        "table-keyword.json", "ingress-without-external.json",
        "duplicate-nested-key.json", "duplicate-top-key.json", "external-overlap.json",
    ]

    /// Runs python3's jsonschema (Draft 2020-12) over files; nil when it is not installed.
    static func schemaVerdicts(_ files: [URL]) throws -> [String: Bool]? {
        let script = """
        import json, sys
        try:
            import jsonschema
        except ImportError:
            print("null"); sys.exit(0)
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        result = {}
        for path in sys.argv[2:]:
            try:
                document = json.load(open(path, encoding="utf-8"))
            except Exception:
                result[path] = False   # not JSON at all: refused by both
                continue
            result[path] = validator.is_valid(document)
        print(json.dumps(result))
        """
        let outcome = try TestProcess.run(["python3", "-c", script, root.appendingPathComponent("Rules/schema/policy-v1.schema.json").path]
                                          + files.map(\.path))
        guard outcome.status == 0 else { throw SchemaRunFailed(status: outcome.status) }
        return try JSONSerialization.jsonObject(with: Data(outcome.output.utf8), options: [.fragmentsAllowed]) as? [String: Bool]
    }

    struct SchemaRunFailed: Error { var status: Int32 }

    @Test func examplesAndCorpusAgree() throws {
        let examples = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Examples").path)
            .filter { $0.hasSuffix(".json") }.map { Self.root.appendingPathComponent("Examples/\($0)") }
        let invalidDirectory = Self.root.appendingPathComponent("Tests/SpoofGuardTests/Policy/Invalid")
        let invalid = try FileManager.default.contentsOfDirectory(atPath: invalidDirectory.path)
            .filter { $0.hasSuffix(".json") && $0 != "manifest.json" }.map { invalidDirectory.appendingPathComponent($0) }
        #expect(examples.count >= 5 && invalid.count >= 40)
        guard let verdicts = try Self.schemaVerdicts(examples + invalid) else {
            print("skipped: python3 jsonschema is not installed (apt-get install python3-jsonschema)")
            return
        }
        for example in examples {
            #expect(verdicts[example.path] == true, "schema refuses example \(example.lastPathComponent)")
            #expect(throws: Never.self) { try Policy.load(from: example.path) }
        }
        var usedExceptions: Set<String> = []
        for file in invalid {
            let name = file.lastPathComponent
            #expect(throws: PolicyError.self, "decoder accepts \(name)") { try Policy.load(from: file.path) }
            if Self.decoderOnly.contains(name) {
                usedExceptions.insert(name)
                #expect(verdicts[file.path] == true, "\(name) is listed as decoder-only, but the schema refuses it: take it off the list")
            } else {
                #expect(verdicts[file.path] == false, "schema accepts \(name), which the decoder refuses")
            }
        }
        #expect(usedExceptions == Self.decoderOnly.intersection(invalid.map(\.lastPathComponent)))
    }
}
