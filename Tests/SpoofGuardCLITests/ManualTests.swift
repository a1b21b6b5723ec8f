import Foundation
import Testing

/// Docs/spoofguard.8 and Docs/completions/ against the argument parser of the built binary.
/// Regenerate both with Scripts/generate-manual.
struct ManualTests {
    struct DumpedHelp: Decodable {
        struct Command: Decodable {
            var commandName: String
            var shouldDisplay: Bool
            var subcommands: [Command]?
            var arguments: [Argument]?
        }
        struct Argument: Decodable {
            struct Name: Decodable { var kind: String; var name: String }
            var names: [Name]?
            var shouldDisplay: Bool
        }
        var command: Command
    }

    static func committed(_ path: String) throws -> String {
        try String(contentsOf: BuiltBinary.packageRoot.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func theManualPageDocumentsEverySubcommandAndOption() throws {
        let dump = try BuiltBinary.run(["--experimental-dump-help"])
        try #require(dump.status == 0, "\(dump.standardError)")
        let help = try JSONDecoder().decode(DumpedHelp.self, from: Data(dump.standardOutput.utf8))
        let page = try Self.committed("Docs/spoofguard.8")
        let subcommands = (help.command.subcommands ?? []).filter { $0.shouldDisplay && $0.commandName != "help" }
        #expect(subcommands.count >= 7)
        for subcommand in subcommands {
            let marker = ".It Em \(subcommand.commandName)\n"
            guard let start = page.range(of: marker) else {
                Issue.record("Docs/spoofguard.8 lacks the subcommand \(subcommand.commandName): run Scripts/generate-manual")
                continue
            }
            let rest = page[start.upperBound...]
            let section = rest.range(of: "\n.It Em ").map { rest[..<$0.lowerBound] } ?? rest
            for argument in subcommand.arguments ?? [] where argument.shouldDisplay {
                for name in argument.names ?? [] where name.kind == "long" {
                    // `.It Fl -json`, or `.It Fl o , -output` after a short name.
                    #expect(section.contains("Fl -\(name.name)") || section.contains(" , -\(name.name)"),
                            "Docs/spoofguard.8 lacks \(subcommand.commandName) --\(name.name): run Scripts/generate-manual")
                }
            }
        }
    }

    @Test(arguments: [("bash", "Docs/completions/spoofguard.bash"), ("zsh", "Docs/completions/_spoofguard"),
                      ("fish", "Docs/completions/spoofguard.fish")])
    func completionScriptsAreCurrent(shell: String, path: String) throws {
        let generated = try BuiltBinary.run(["--generate-completion-script", shell])
        #expect(generated.status == 0)
        #expect(generated.standardOutput.contains("confirm"))
        #expect(try Self.committed(path) == generated.standardOutput, "\(path) is stale: run Scripts/generate-manual")
    }
}
