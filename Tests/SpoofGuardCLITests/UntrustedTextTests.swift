import Foundation
import SpoofGuardLab
import SpoofGuardSystem
import Testing

/// Bytes from policies, packets and file names reach the terminal escaped, and JSON output
/// escaped per RFC 8259 (issue 19, item 6): a control byte can neither forge an output line
/// nor drive the terminal.
struct UntrustedTextTests {
    static func scratchFile(_ name: String, _ contents: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sg-untrusted-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        let path = directory.appendingPathComponent(name).path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func run(_ arguments: [String]) throws -> ChildProcess {
        guard let path = BuiltBinary.path else { throw BuiltBinary.MissingBinary() }
        return try ChildProcess.run([path] + arguments, directory: BuiltBinary.packageRoot.path)
    }

    /// No control byte but the line breaks and tabs the program itself writes.
    static func isClean(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0 != "\n" && $0 != "\t" && ($0.value < 0x20 || (0x7F...0x9F).contains($0.value)) }
    }

    @Test func anInterfaceNameFromPacketsOrIifPrintsEscaped() throws {
        let packets = try Self.scratchFile("packets.json", #"[{"iif": "wan\u001b[2J", "src": "127.0.0.1", "dst": "192.0.2.1", "expect": "accept"}]"#)
        let policy = try Self.scratchFile("policy.json", #"{"version": 1, "external": ["wan*"]}"#)
        let text = try Self.run(["dry-run", policy, "--packets", packets])
        #expect(text.status == 1)
        #expect(text.standardOutput.contains(#"#1 wan\x1b[2J 127.0.0.1"#), "\(text.standardOutput)")
        #expect(Self.isClean(text.standardOutput))
        let overridden = try Self.run(["dry-run", policy, "--packets", packets, "--iif", "wan\u{1B}]0;owned\u{07}"])
        #expect(overridden.standardOutput.contains(#"wan\x1b]0;owned\x07"#), "\(overridden.standardOutput)")
        #expect(Self.isClean(overridden.standardOutput))
        // JSON keeps the name exactly, escaped as RFC 8259 says.
        let json = try Self.run(["dry-run", policy, "--packets", packets, "--json"])
        #expect(json.standardOutput.contains(#""iif": "wan\u001b[2J""#))
        #expect(Self.isClean(json.standardOutput))
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        let results = try #require(object?["results"] as? [[String: Any]])
        #expect((results.first?["packet"] as? [String: Any])?["iif"] as? String == "wan\u{1B}[2J")
    }

    @Test func policyStringsPrintEscaped() throws {
        let esc = try Self.scratchFile("esc.json", #"{"version": 1, "external": ["wan\u001b[31m"]}"#)
        let check = try Self.run(["check", esc])
        #expect(check.status == 0)
        #expect(check.standardOutput.contains(#"wan\x1b[31m"#), "\(check.standardOutput)")
        #expect(Self.isClean(check.standardOutput))
        let checkJSON = try Self.run(["check", esc, "--json"])
        #expect(Self.isClean(checkJSON.standardOutput))
        #expect(try JSONSerialization.jsonObject(with: Data(checkJSON.standardOutput.utf8)) is [String: Any])

        // A NUL in a name and a newline in a key, quoted back in the errors.
        let bad = try Self.scratchFile("bad.json", #"{"version": 1, "external": ["a\u0000b"], "tab\nle": "x"}"#)
        let refused = try Self.run(["check", bad])
        #expect(refused.status == 65)
        #expect(refused.standardError.contains(#"a\x00b"#), "\(refused.standardError)")
        // A key in a JSON path is written as JSON writes it.
        #expect(refused.standardError.contains(#"$["tab\u000ale"]"#), "\(refused.standardError)")
        #expect(Self.isClean(refused.standardError))
        #expect(refused.standardError.split(separator: "\n").allSatisfy { $0.hasPrefix(bad) }, "a line that is not a problem line: \(refused.standardError)")
    }

    @Test func aFileNameWithANewlineCannotForgeAnErrorLine() throws {
        let forged = try Self.scratchFile("policy.json", #"{"version": 1}"#)
        let missing = (forged as NSString).deletingLastPathComponent + "/x\nspoofguard: all good\n.json"
        let outcome = try Self.run(["dry-run", forged, "--packets", missing])
        #expect(outcome.status == 66)
        #expect(outcome.standardError.contains(#"x\x0aspoofguard: all good\x0a.json"#), "\(outcome.standardError)")
        #expect(outcome.standardError.split(separator: "\n").count == 1)
    }
}
