import Foundation
import Testing

@Suite("spoofguard check (the built binary)")
struct CheckCommandTests {
    @Test(arguments: ["router", "host-default", "bridge", "ingress", "strict"])
    func everyExamplePasses(_ name: String) throws {
        let result = try BuiltBinary.run(["check", "Examples/\(name).json"])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.first == "Examples/\(name).json: OK")
        #expect(lines.count == 2)
        #expect(lines.last?.hasPrefix("table spoofguard at ") == true)
        #expect(result.standardError.isEmpty)
    }

    @Test func invalidPolicyPrintsEveryProblemAndExits65() throws {
        let file = "Tests/SpoofGuardTests/Policy/Invalid/many-problems.json"
        let result = try BuiltBinary.run(["check", file])
        #expect(result.status == 65)
        #expect(result.standardOutput.isEmpty)
        let lines = result.standardError.split(separator: "\n").map(String.init)
        #expect(lines.count == 10)
        #expect(lines.first == #"\#(file): $.actoin: unknown key; did you mean "action"?"#)
        #expect(lines.contains(#"\#(file): $.external[0]: "lo" would cut the host off from itself: lo is always internal; remove it"#))
        #expect(lines.contains(#"\#(file): $.guard.source[1]: "127.0.0.1/8" has host bits set; did you mean "127.0.0.0/8"?"#))
    }

    @Test func syntaxErrorIsReportedByLineAndColumn() throws {
        let result = try BuiltBinary.run(["check", "Tests/SpoofGuardTests/Policy/Invalid/trailing-comma.json"])
        #expect(result.status == 65)
        #expect(result.standardError == "Tests/SpoofGuardTests/Policy/Invalid/trailing-comma.json:3:23: trailing comma before \"]\"; JSON does not allow one\n")
    }

    @Test func unreadableFileExits66() throws {
        let result = try BuiltBinary.run(["check", "/nonexistent/policy.json"])
        #expect(result.status == 66)
        #expect(result.standardError == "/nonexistent/policy.json: cannot open: No such file or directory\n")
    }

    @Test(arguments: [["check"], ["check", "--bogus", "Examples/router.json"], ["check", "a.json", "b.json"], ["frobnicate"]])
    func usageErrorsExit64(_ arguments: [String]) throws {
        let result = try BuiltBinary.run(arguments)
        #expect(result.status == 64)
        #expect(result.standardError.contains("Usage:") || result.standardError.contains("Error:"))
    }

    @Test func standardInput() throws {
        let valid = try BuiltBinary.run(["check", "-"], standardInput: #"{"version": 1, "external": ["eth0"]}"#)
        #expect(valid.status == 0)
        #expect(valid.standardOutput.hasPrefix("<stdin>: OK\ntable spoofguard at prerouting: on eth0, drop"))
        let invalid = try BuiltBinary.run(["check", "-"], standardInput: #"{"version": 1, "hooks": ["ingres"]}"#)
        #expect(invalid.status == 65)
        #expect(invalid.standardError == "<stdin>: $.hooks[0]: \"ingres\" is not a hook; did you mean \"ingress\"?\n")
        let empty = try BuiltBinary.run(["check", "-"], standardInput: "")
        #expect(empty.status == 65)
        #expect(empty.standardError.hasPrefix("<stdin>:1:1: the document is empty"))
    }

    /// A valid policy named like another tool's table: a warning naming `$.table`, exit 0.
    @Test(arguments: ["filter", "firewalld", "fw4", "docker", "kube-proxy"])
    func commonTableNameWarns(_ name: String) throws {
        let policy = #"{"version": 1, "table": "\#(name)", "external": ["eth0"]}"#
        let text = try BuiltBinary.run(["check", "-"], standardInput: policy)
        #expect(text.status == 0)
        #expect(text.standardOutput.hasPrefix("<stdin>: OK\n"))
        #expect(text.standardError.hasPrefix("<stdin>: $.table: warning: \"\(name)\" is a table name "), "\(text.standardError)")
        let json = try BuiltBinary.run(["check", "--json", "-"], standardInput: policy)
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == true)
        let warnings = try #require(object["warnings"] as? [[String: Any]])
        #expect(warnings.map { $0["path"] as? String } == ["$.table"])
    }

    @Test func jsonOutput() throws {
        let valid = try BuiltBinary.run(["check", "--json", "Examples/router.json"])
        #expect(valid.status == 0)
        let validObject = try #require(try JSONSerialization.jsonObject(with: Data(valid.standardOutput.utf8)) as? [String: Any])
        #expect(validObject["valid"] as? Bool == true)
        #expect(validObject["policy"] as? String == "Examples/router.json")
        #expect((validObject["summary"] as? String)?.hasPrefix("table spoofguard at prerouting") == true)
        #expect((validObject["problems"] as? [Any])?.isEmpty == true)

        let invalid = try BuiltBinary.run(["check", "--json", "-"], standardInput: "{\n  \"version\": 1,\n  \"tabel\": \"x\"\n}")
        #expect(invalid.status == 65)
        #expect(invalid.standardError.isEmpty)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(invalid.standardOutput.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false)
        let problems = try #require(object["problems"] as? [[String: Any]])
        #expect(problems.count == 1)
        #expect(object["omitted_problems"] as? Int == 0)
        #expect(object["summary"] is NSNull)
        #expect(problems.first?["path"] as? String == "$.tabel")
        #expect(problems.first?["message"] as? String == "unknown key; did you mean \"table\"?")
        #expect((problems.first?["line"] as? NSNumber)?.intValue == 3)
        #expect((problems.first?["column"] as? NSNumber)?.intValue == 3)

        let missing = try BuiltBinary.run(["check", "--json", "/nonexistent"])
        #expect(missing.status == 66)
        #expect(missing.standardOutput.contains("\"valid\": false"))
    }

    @Test(arguments: ["lo-external", "unspecified-as-source", "ingress-without-external", "invalid-utf8", "deep-nesting"])
    func corpusThroughTheBinary(_ name: String) throws {
        let result = try BuiltBinary.run(["check", "Tests/SpoofGuardTests/Policy/Invalid/\(name).json"])
        #expect(result.status == 65)
        #expect(result.standardError.hasPrefix("Tests/SpoofGuardTests/Policy/Invalid/\(name).json:"))
    }

    @Test func rootCommandDocumentsItself() throws {
        let version = try BuiltBinary.run(["--version"])
        #expect(version.status == 0)
        #expect(!version.standardOutput.isEmpty)
        let help = try BuiltBinary.run(["--help"])
        #expect(help.status == 0)
        for fragment in ["check", "Exit codes:", "64  usage error", "65  invalid policy or packet data", "66  an input cannot be opened"] {
            #expect(help.standardOutput.contains(fragment), "\(fragment)")
        }
    }
}
