import Foundation
import Testing
import SpoofGuardTestSupport

/// The element record's policy proof through the built binary, in private namespaces: an
/// unchanged apply or diff of the same policy bytes answers without decoding them
/// (`"policy_proven_by": "record"`) and says what the full path says; any other byte, any
/// commit since, any edit by hand and any record that is wrong in one field sends it down the
/// full path, which finds the difference.
@Suite(.serialized, .kernel)
struct PolicyProofCommandTests {
    typealias Namespace = KernelCommandTests.Namespace
    typealias Outcome = KernelCommandTests.Outcome
    typealias Runtime = ElementRecordCommandTests.Runtime

    let policy = BuiltBinary.packageRoot.appendingPathComponent("Examples/router.json").path

    func spoofguard(_ ns: Namespace, _ runtime: Runtime, _ arguments: String..., input: String? = nil) throws -> Outcome {
        try KernelCommandTests.execute([KernelCommandTests.binary] + arguments + ["--netns", ns.name, "--runtime-dir", runtime.path], input: input)
    }

    func json(_ outcome: Outcome) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any], "\(outcome.output) \(outcome.error)")
    }

    /// A copy of the policy with `suffix` after its last byte, in a temporary file.
    func policyCopy(_ suffix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sg-proof-\(UUID().uuidString).json").path
        try (try String(contentsOfFile: policy, encoding: .utf8) + suffix).write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    /// Applied by the full path, which keeps the proof.
    func applied(_ runtime: Runtime) throws -> Namespace {
        let ns = try Namespace()
        let first = try json(try spoofguard(ns, runtime, "apply", policy, "--json"))
        #expect(first["changed"] as? Bool == true && first["policy_proven_by"] as? String == "decode")
        return ns
    }

    @Test func theSecondUnchangedApplyAndDiffAreProvenByTheRecordWithTheSameAnswer() throws {
        let runtime = Runtime()
        let ns = try applied(runtime)
        let fastOutput = try spoofguard(ns, runtime, "apply", policy, "--json")
        let fast = try json(fastOutput)
        #expect(fast["policy_proven_by"] as? String == "record" && fast["elements_proven_by"] as? String == "record")
        // The same answer, byte for byte, as the full path (a copy with one more byte is decoded
        // and compiled) apart from the one key that says which path answered.
        let copy = try policyCopy("\n")
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let full = try spoofguard(ns, runtime, "apply", copy, "--json")
        #expect(full.output.contains(#""policy_proven_by": "decode""#))
        #expect(full.output.replacingOccurrences(of: #""policy_proven_by": "decode""#, with: #""policy_proven_by": "record""#) == fastOutput.output)
        let fullText = try spoofguard(ns, runtime, "apply", copy)
        // The copy now holds the proof; the original is decoded again, then proven once more.
        #expect(try try json(try spoofguard(ns, runtime, "apply", policy, "--json"))["policy_proven_by"] as? String == "decode")
        let fastText = try spoofguard(ns, runtime, "apply", policy)
        #expect(fastText.status == 0 && fastText.output == fullText.output && fastText.error.isEmpty, "\(fastText.output)\(fastText.error)")
        #expect(fastText.output.hasPrefix("unchanged: the kernel already holds the policy (inet spoofguard: "))

        let check = try json(try spoofguard(ns, runtime, "apply", policy, "--check", "--json"))
        #expect(check["policy_proven_by"] as? String == "record" && check["checked"] as? Bool == true && check["changed"] as? Bool == false)
        let diff = try json(try spoofguard(ns, runtime, "diff", policy, "--json"))
        #expect(diff["equal"] as? Bool == true && diff["policy_proven_by"] as? String == "record")
        #expect((diff["differences"] as? [Any])?.isEmpty == true)
        let diffText = try spoofguard(ns, runtime, "diff", policy)
        #expect(diffText.status == 0 && diffText.output == "the kernel matches the policy\n")
        // Standard input is the same bytes.
        let stdin = try spoofguard(ns, runtime, "diff", "-", "--json", input: try String(contentsOfFile: policy, encoding: .utf8))
        #expect(try try json(stdin)["policy_proven_by"] as? String == "record")
    }

    /// One more byte, even whitespace, is another policy: decoded, compiled and compared.
    @Test func anyOtherByteTakesTheFullPath() throws {
        let runtime = Runtime()
        let ns = try applied(runtime)
        #expect(try try json(try spoofguard(ns, runtime, "diff", policy, "--json"))["policy_proven_by"] as? String == "record")
        for suffix in [" ", "\n\n", "\t"] {
            let copy = try policyCopy(suffix)
            defer { try? FileManager.default.removeItem(atPath: copy) }
            let diff = try json(try spoofguard(ns, runtime, "diff", copy, "--json"))
            #expect(diff["policy_proven_by"] as? String == "decode" && diff["equal"] as? Bool == true, "\(suffix.debugDescription)")
        }
        // A policy that differs is decoded and its difference found, not taken for the record's.
        let strict = BuiltBinary.packageRoot.appendingPathComponent("Examples/strict.json").path
        let other = try spoofguard(ns, runtime, "diff", strict, "--json")
        #expect(try other.status == 1 && (json(other))["policy_proven_by"] as? String == "decode")
    }

    /// Every hand edit commits, so the generation moves: diff exits 1 and apply re-applies,
    /// both by the full path.
    @Test(arguments: ["add element", "delete element", "replace rule", "add rule", "chain policy", "delete chain"])
    func handEditsAreNoticed(edit: String) throws {
        let runtime = Runtime()
        let ns = try applied(runtime)
        #expect(try try json(try spoofguard(ns, runtime, "apply", policy, "--json"))["policy_proven_by"] as? String == "record")
        switch edit {
        case "add element": try ElementRecordCommandTests.editElements(ns, set: "source_ipv4", "add", "10.0.0.0/8")
        case "delete element": try ElementRecordCommandTests.editElements(ns, set: "source_ipv6", "delete", "::1")
        case "replace rule":
            let listing = try ns.nft("-a", "list", "chain", "inet", "spoofguard", "log_and_drop").output
            let line = try #require(listing.split(separator: "\n").first { $0.contains("drop comment") })
            let handle = try #require(line.components(separatedBy: "# handle ").last)
            #expect(try ns.nft("replace", "rule", "inet", "spoofguard", "log_and_drop", "handle", handle, "accept comment \"action.verdict\"").status == 0)
        case "add rule": #expect(try ns.nft("add", "rule", "inet", "spoofguard", "prerouting", "ip saddr 192.0.2.1 accept").status == 0)
        case "chain policy": #expect(try ns.nft("add", "chain", "inet", "spoofguard", "prerouting", "{ policy drop; }").status == 0)
        default:
            #expect(try ns.nft("add", "chain", "inet", "spoofguard", "extra").status == 0)
            #expect(try ns.nft("delete", "chain", "inet", "spoofguard", "extra").status == 0)
        }
        let diff = try spoofguard(ns, runtime, "diff", policy, "--json")
        #expect(try try json(diff)["policy_proven_by"] as? String == "decode")
        #expect(diff.status == (edit == "delete chain" ? 0 : 1), "\(edit): \(diff.output)")
        let apply = try json(try spoofguard(ns, runtime, "apply", policy, "--json"))
        // The table back as it was (a chain added and deleted): the full diff above proved it
        // and kept a proof, which this apply uses.
        #expect(apply["policy_proven_by"] as? String == (edit == "delete chain" ? "record" : "decode"), "\(edit)")
        #expect(apply["changed"] as? Bool == (edit != "delete chain"), "\(edit)")
        #expect(try try json(try spoofguard(ns, runtime, "diff", policy, "--json"))["policy_proven_by"] as? String == "record")
    }

    /// `--revert-after` always takes the full path (its timer reads the tables first); a plain
    /// apply proven by the record still refuses while a revert is pending, as the full path does.
    @Test func revertAfterTakesTheFullPathAndAPendingRevertIsStillRefused() throws {
        let runtime = Runtime()
        let ns = try applied(runtime)
        let unchanged = try json(try spoofguard(ns, runtime, "apply", policy, "--revert-after", "30", "--json"))
        #expect(unchanged["changed"] as? Bool == false && unchanged["policy_proven_by"] as? String == "decode")
        #expect(unchanged["revert_after"] is NSNull)
        let strict = BuiltBinary.packageRoot.appendingPathComponent("Examples/strict.json").path
        #expect(try spoofguard(ns, runtime, "apply", strict, "--revert-after", "30").status == 0)
        let refused = try spoofguard(ns, runtime, "apply", strict)
        #expect(refused.status == 69 && refused.error.contains("an apply --revert-after is pending"), "\(refused.error)")
        let confirmed = try json(try spoofguard(ns, runtime, "apply", strict, "--confirm", "--json"))
        #expect(confirmed["changed"] as? Bool == false && confirmed["policy_proven_by"] as? String == "record")
    }

    /// A record that is wrong in one field is not believed, field by field, each against the
    /// edit only that field can reveal:
    /// - the policy digest: a valid proof of router.json does not answer for strict.json;
    /// - the build-id: another build's proof is not used (the answer comes from decoding);
    /// - the element digests, the generation, a cut file, an older version: after a hand edit
    ///   of the elements (rule taken out, element changed, rule put back, so the table read
    ///   without elements is as before), diff still finds the element;
    /// - the loaded-table digest: after a hand edit of a rule, diff finds it.
    /// The control, the proof moved to the kernel's new generation and right in every other
    /// field, is believed — as the element record alone is on the full path: a record is root's
    /// word, and only root, who can replace the table outright, can write one.
    @Test func aRecordWrongInAnyOneFieldIsNotBelieved() throws {
        let runtime = Runtime()
        let ns = try applied(runtime)
        let path = try #require(runtime.recordPath)
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let lines = original.split(separator: "\n")
        let oldGeneration = try #require(lines.first { $0.hasPrefix("generation ") })
        let proofLine = try #require(lines.first { $0.hasPrefix("policy ") })
        let sourceLine = try #require(lines.first { $0.hasPrefix("set inet source_ipv4 ") })
        let fields = proofLine.split(separator: " ").map(String.init)
        #expect(fields.count == 7)
        func diff(_ policy: String, with contents: String) throws -> Outcome {
            try? FileManager.default.removeItem(atPath: path)
            try contents.write(toFile: path, atomically: false, encoding: .utf8)
            chmod(path, 0o600)
            return try spoofguard(ns, runtime, "diff", policy, "--json")
        }
        /// The original record at the kernel's generation now, learnt from a diff with a
        /// runtime directory of its own, with `field` of the proof replaced.
        func moved(replacing field: Int? = nil, with value: String = "") throws -> String {
            let probe = Runtime()
            try FileManager.default.createDirectory(atPath: probe.path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            _ = try spoofguard(ns, probe, "diff", policy)
            let current = try String(contentsOfFile: try #require(probe.recordPath), encoding: .utf8)
            let generation = try #require(current.split(separator: "\n").first { $0.hasPrefix("generation ") })
            var changed = fields
            if let field { changed[field] = value }
            return original.replacingOccurrences(of: oldGeneration, with: generation)
                .replacingOccurrences(of: proofLine, with: changed.joined(separator: " "))
        }

        let strict = BuiltBinary.packageRoot.appendingPathComponent("Examples/strict.json").path
        let otherPolicy = try diff(strict, with: original)
        #expect(try otherPolicy.status == 1 && (json(otherPolicy))["policy_proven_by"] as? String == "decode")
        let otherBuild = try diff(policy, with: try moved(replacing: 2, with: String(repeating: "00", count: 20)))
        #expect(try otherBuild.status == 0 && (json(otherBuild))["policy_proven_by"] as? String == "decode")

        try ElementRecordCommandTests.editElements(ns, set: "source_ipv4", "add", "10.0.0.0/8")
        let valid = try moved()
        let forgeries: [(name: String, contents: String)] = [
            ("another element digest", valid.replacingOccurrences(of: sourceLine, with: "set inet source_ipv4 01" + String(repeating: "0", count: 32))),
            ("the old generation", original),
            ("cut after the policy line", String(valid.prefix(upTo: valid.range(of: proofLine)!.upperBound)) + "\n"),
            ("version 1", valid.replacingOccurrences(of: "element record 2", with: "element record 1")),
        ]
        for forgery in forgeries {
            let outcome = try diff(policy, with: forgery.contents)
            #expect(outcome.status == 1, "\(forgery.name): \(outcome.output)")
            #expect(try try json(outcome)["policy_proven_by"] as? String == "decode", "\(forgery.name)")
            #expect(outcome.output.contains("10.0.0.0/8"), "\(forgery.name)")
        }
        let believed = try diff(policy, with: valid)
        #expect(try believed.status == 0 && (json(believed))["policy_proven_by"] as? String == "record", "\(believed.output)")

        let listing = try ns.nft("-a", "list", "chain", "inet", "spoofguard", "log_and_drop").output
        let line = try #require(listing.split(separator: "\n").first { $0.contains("drop comment") })
        let handle = try #require(line.components(separatedBy: "# handle ").last)
        #expect(try ns.nft("replace", "rule", "inet", "spoofguard", "log_and_drop", "handle", handle, "accept comment \"action.verdict\"").status == 0)
        let ruleEdited = try diff(policy, with: try moved())
        #expect(try ruleEdited.status == 1 && (json(ruleEdited))["policy_proven_by"] as? String == "decode", "\(ruleEdited.output)")
        #expect(ruleEdited.output.contains("accept"))
    }
}
