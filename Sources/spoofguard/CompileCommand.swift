import ArgumentParser
import Foundation
import SpoofGuard

struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Print the ruleset a policy compiles to, as an nft -f file or as nft JSON.",
        discussion: """
            The nft format is a file for `nft -f`: it replaces spoofguard's tables in one \
            transaction and touches no other table. The json format is the same as a \
            libnftables command list for `nft -j -f`. Exit 0 on success, 65 when the policy is \
            invalid, 66 when it cannot be read, 71 when the output cannot be written.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case nft, json
    }

    @Argument(help: "The policy file, or - for standard input.")
    var policy: String

    @Option(help: "Output format: nft (for nft -f) or json (for nft -j -f).")
    var format: Format = .nft

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func run() throws {
        let ruleset = Compiler.compile(try loadPolicyOrExit(policy))
        let problems = RenderProblem.problems(in: ruleset)
        guard problems.isEmpty else {
            let source = policy == "-" ? "<stdin>" : policy
            for problem in problems { printError("\(source): \(problem)") }
            throw ExitCode.invalidData
        }
        let text = format == .nft ? NftTextRenderer.loadFile(ruleset) : NftJSONRenderer.render(ruleset)
        guard let output else {
            print(text, terminator: "")
            return
        }
        do {
            // A regular file is replaced atomically, so a reader never sees half a ruleset; anything
            // else (/dev/null, a FIFO, a symlink) is written through, which a rename would destroy.
            let type = try? FileManager.default.attributesOfItem(atPath: output)[.type] as? FileAttributeType
            try text.write(toFile: output, atomically: type == nil || type == .typeRegular, encoding: .utf8)
        } catch {
            printError("\(output): cannot write: \(error.localizedDescription)")
            throw ExitCode.osError
        }
    }
}
