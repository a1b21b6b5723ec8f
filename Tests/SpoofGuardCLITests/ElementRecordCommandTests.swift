import Foundation
import Testing
import SpoofGuardTestSupport

/// The element record through the built binary, in private namespaces with a runtime directory
/// of their own: unchanged apply and diff take the shortcut (`"elements_proven_by": "record"`),
/// hand edits with nft are noticed, and no forged, stale or untrusted record file makes
/// spoofguard call a different table unchanged.
@Suite(.serialized, .kernel)
struct ElementRecordCommandTests {
    typealias Namespace = KernelCommandTests.Namespace
    typealias Outcome = KernelCommandTests.Outcome

    final class Runtime {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sg-record-cli-\(UUID().uuidString)").path
        deinit { try? FileManager.default.removeItem(atPath: path) }
        var records: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasPrefix("elements-") } }
        var recordPath: String? { records.first.map { path + "/" + $0 } }
    }

    let policy = BuiltBinary.packageRoot.appendingPathComponent("Examples/router.json").path

    func spoofguard(_ ns: Namespace, _ runtime: Runtime, _ arguments: String...) throws -> Outcome {
        try KernelCommandTests.execute([KernelCommandTests.binary] + arguments + ["--netns", ns.name, "--runtime-dir", runtime.path])
    }

    func json(_ outcome: Outcome) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any], "\(outcome.output) \(outcome.error)")
    }

    /// Applied, with the record of that apply in `runtime`.
    func applied(_ runtime: Runtime) throws -> Namespace {
        let ns = try Namespace()
        let first = try json(try spoofguard(ns, runtime, "apply", policy, "--json"))
        #expect(first["changed"] as? Bool == true && first["elements_proven_by"] as? String == "commit")
        #expect(runtime.records.count == 1)
        return ns
    }

    /// Changes a set of Examples/router.json by hand. Its sets are constant, which the kernel
    /// enforces only while a rule uses them: the rule is replaced by one without the set, the
    /// element added or deleted, and the rule put back (three commits, every handle as before).
    static func editElements(_ ns: Namespace, set: String, _ verb: String, _ element: String) throws {
        let listing = try ns.nft("-a", "list", "chain", "inet", "spoofguard", "prerouting").output
        let line = try #require(listing.split(separator: "\n").first { $0.contains("@\(set) ") })
        let handle = try #require(line.components(separatedBy: "# handle ").last?.trimmingCharacters(in: .whitespaces))
        let rule = line.components(separatedBy: " # handle").first!.trimmingCharacters(in: .whitespaces)
            .replacingOccurrences(of: "packets 0 bytes 0 ", with: "")
        #expect(try ns.nft("replace", "rule", "inet", "spoofguard", "prerouting", "handle", handle, "ip saddr 192.0.2.1 drop").status == 0)
        let edit = try ns.nft(verb, "element", "inet", "spoofguard", set, "{ \(element) }")
        #expect(edit.status == 0, "\(edit.error)")
        #expect(try ns.nft("replace", "rule", "inet", "spoofguard", "prerouting", "handle", handle, rule).status == 0)
    }

    @Test func unchangedApplyAndDiffUseTheRecordAndStatusListsNoAddressElements() throws {
        let runtime = Runtime()
        let ns = try applied(runtime)
        let again = try json(try spoofguard(ns, runtime, "apply", policy, "--json"))
        #expect(again["changed"] as? Bool == false && again["elements_proven_by"] as? String == "record")
        let text = try spoofguard(ns, runtime, "apply", policy)
        #expect(text.status == 0 && text.output.hasPrefix("unchanged: the kernel already holds the policy"))
        #expect(text.error.isEmpty)
        let diff = try json(try spoofguard(ns, runtime, "diff", policy, "--json"))
        #expect(diff["equal"] as? Bool == true && diff["elements_proven_by"] as? String == "record")
        let status = try ns.spoofguard("status")
        #expect(status.output.contains("drops sources: @source_ipv4, @source_ipv6"))
        #expect(status.output.contains("set source_ipv4 (ipv4_addr): elements not listed (--elements lists them)"))
        #expect(status.output.contains("set external_interfaces (ifname, 3 elements): eth0, ppp0, wan*"))
        #expect(!status.output.contains("127.0.0.0/8"))
        let listed = try ns.spoofguard("status", "--elements")
        #expect(listed.output.contains("drops sources: 127.0.0.0/8, ::1"))
        #expect(listed.output.contains("set source_ipv4 (ipv4_addr, 1 element): 127.0.0.0/8"))
        let statusJSON = try json(try ns.spoofguard("status", "--json"))
        let sets = try #require((statusJSON["tables"] as? [[String: Any]])?.first?["sets"] as? [[String: Any]])
        #expect(sets.first { $0["name"] as? String == "source_ipv4" }?["elements"] is NSNull)
        #expect(sets.first { $0["name"] as? String == "external_interfaces" }?["elements"] as? [String] == ["eth0", "ppp0", "wan*"])
    }

    /// nft commits, so the generation moves: diff exits 1, apply re-applies, status shows it.
    @Test(arguments: ["add element", "delete element", "replace rule"])
    func handEditsAreNoticed(edit: String) throws {
        let runtime = Runtime()
        let ns = try applied(runtime)
        switch edit {
        case "add element": try Self.editElements(ns, set: "source_ipv4", "add", "10.0.0.0/8")
        case "delete element": try Self.editElements(ns, set: "source_ipv6", "delete", "::1")
        default:
            let listing = try ns.nft("-a", "list", "chain", "inet", "spoofguard", "log_and_drop").output
            let line = try #require(listing.split(separator: "\n").first { $0.contains("drop comment") })
            let handle = try #require(line.components(separatedBy: "# handle ").last)
            #expect(try ns.nft("replace", "rule", "inet", "spoofguard", "log_and_drop", "handle", handle, "accept comment \"action.verdict\"").status == 0)
        }
        let diff = try spoofguard(ns, runtime, "diff", policy)
        #expect(diff.status == 1, "\(diff.output)\(diff.error)")
        let status = try ns.spoofguard("status", "--elements")
        switch edit {
        case "add element":
            #expect(diff.output.contains("10.0.0.0/8"))
            #expect(status.output.contains("10.0.0.0/8"))
        case "delete element":
            #expect(diff.output.contains("::1"))
            #expect(status.output.contains("set source_ipv6 (ipv6_addr, 5 elements)"))
        default:
            #expect(diff.output.contains("accept"))
            #expect(status.output.contains("accept comment \"action.verdict\""))
        }
        let apply = try json(try spoofguard(ns, runtime, "apply", policy, "--json"))
        #expect(apply["changed"] as? Bool == true)
        #expect(try spoofguard(ns, runtime, "diff", policy).status == 0)
    }

    /// After a hand edit, a record file that is stale, of another boot or namespace, truncated,
    /// garbage, a symlink, or of the wrong mode or owner is never believed: diff still finds
    /// the edit (exit 1). Untrusted or malformed files get one warning line; a stale or
    /// other-boot record is silently not used.
    @Test func forgedOrUntrustedRecordsNeverHideAnEdit() throws {
        let runtime = Runtime()
        let ns = try applied(runtime)
        let path = try #require(runtime.recordPath)
        let original = try String(contentsOfFile: path, encoding: .utf8)
        try Self.editElements(ns, set: "source_ipv4", "add", "10.0.0.0/8")
        // The kernel's generation now, from a diff with an empty runtime directory of its own:
        // it keeps the record of what it read (the edited table) there.
        let probe = Runtime()
        try FileManager.default.createDirectory(atPath: probe.path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        #expect(try spoofguard(ns, probe, "diff", policy).status == 1)
        let current = try String(contentsOfFile: try #require(probe.recordPath), encoding: .utf8)
        let generationLine = try #require(current.split(separator: "\n").first { $0.hasPrefix("generation ") })
        let lines = original.split(separator: "\n")
        let originalGeneration = try #require(lines.first { $0.hasPrefix("generation ") })
        #expect(generationLine != originalGeneration)
        let sourceLine = try #require(lines.first { $0.hasPrefix("set inet source_ipv4 ") })
        let zeros = "set inet source_ipv4 01" + String(repeating: "0", count: 32)
        let otherSet = sourceLine.split(separator: " ").dropLast().joined(separator: " ") + " "
            + (lines.first { $0.hasPrefix("set inet source_ipv6 ") }?.split(separator: " ").last ?? "")

        typealias Forgery = (name: String, contents: String?, warns: Bool)
        let forgeries: [Forgery] = [
            ("stale generation", original, false),
            ("right generation, digest zeros", original.replacingOccurrences(of: originalGeneration, with: generationLine)
                .replacingOccurrences(of: sourceLine, with: zeros), false),
            ("right generation, another set's digest", original.replacingOccurrences(of: originalGeneration, with: generationLine)
                .replacingOccurrences(of: sourceLine, with: otherSet), false),
            ("the edited table's own record", current, false),
            ("another boot", original.replacingOccurrences(of: originalGeneration, with: generationLine)
                .replacing(#/boot [0-9a-f-]+/#, with: "boot 11111111-2222-3333-4444-555555555555"), false),
            ("another namespace", original.replacingOccurrences(of: originalGeneration, with: generationLine)
                .replacing(#/netns-cookie \d+/#, with: "netns-cookie 1"), true),
            ("truncated", String(original.replacingOccurrences(of: originalGeneration, with: generationLine).dropLast(8)), true),
            ("garbage", "\u{1}\u{2}not a record at all\n", true),
            ("symlink", nil, true),
            ("mode 0644", nil, true),
            ("owned by nobody", nil, true),
        ]
        let valid = original.replacingOccurrences(of: originalGeneration, with: generationLine)
        for forgery in forgeries {
            try? FileManager.default.removeItem(atPath: path)
            switch forgery.name {
            case "symlink":
                let target = runtime.path + "/elsewhere"
                try valid.write(toFile: target, atomically: false, encoding: .utf8)
                chmod(target, 0o600)
                try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
            case "mode 0644", "owned by nobody":
                try valid.write(toFile: path, atomically: false, encoding: .utf8)
                chmod(path, forgery.name == "mode 0644" ? 0o644 : 0o600)
                if forgery.name == "owned by nobody" { chown(path, 65534, 65534) }
            default:
                try forgery.contents!.write(toFile: path, atomically: false, encoding: .utf8)
                chmod(path, 0o600)
            }
            let diff = try spoofguard(ns, runtime, "diff", policy, "--json")
            #expect(diff.status == 1, "\(forgery.name): \(diff.output)")
            #expect(try json(diff)["elements_proven_by"] as? String == "dump", "\(forgery.name)")
            #expect(diff.output.contains("10.0.0.0/8"), "\(forgery.name)")
            let warned = diff.error.contains("warning: ignored the element record")
            #expect(warned == forgery.warns, "\(forgery.name): \(diff.error)")
            #expect(diff.error.split(separator: "\n").count == (forgery.warns ? 1 : 0), "\(forgery.name): \(diff.error)")
        }
        // The last forgery the trusted way: the policy's generation-less record is now right
        // for the kernel's generation but not for its elements; apply restores the policy.
        try? FileManager.default.removeItem(atPath: path)
        try valid.replacingOccurrences(of: sourceLine, with: zeros).write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o600)
        let apply = try json(try spoofguard(ns, runtime, "apply", policy, "--json"))
        #expect(apply["changed"] as? Bool == true)
        #expect(try spoofguard(ns, runtime, "diff", policy).status == 0)
    }

    /// A runtime directory that does not exist is not created by diff (a read), and apply
    /// creates it to keep the record.
    @Test func onlyApplyCreatesTheRuntimeDirectory() throws {
        let runtime = Runtime()
        let ns = try Namespace()
        #expect(try spoofguard(ns, runtime, "diff", policy).status == 1)
        #expect(!FileManager.default.fileExists(atPath: runtime.path))
        #expect(try spoofguard(ns, runtime, "apply", policy).status == 0)
        #expect(runtime.records.count == 1)
        let attributes = try FileManager.default.attributesOfItem(atPath: try #require(runtime.recordPath))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}
