import ArgumentParser
import SpoofGuard

/// `spoofguard verify POLICY [--json]`
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Prove the compiled guard over every address, interface class and family, or show a counterexample.",
        discussion: """
            Proves, with the kernel's own checks assumed off: (a) on every external interface every packet \
            with a guarded source (127.0.0.0/8 and ::1 always) or guarded destination is dropped by spoofguard; \
            (b) nothing on lo or an internal interface is dropped; (c) nothing with unguarded source and \
            destination is dropped anywhere. Exit status 0 when all hold, 1 with a counterexample otherwise.
            """)

    @Argument(help: "The policy file, or - for standard input.")
    var policy: String

    @OptionGroup var output: JSONOption
    var json: Bool { output.json }

    func run() throws {
        let loaded = try loadPolicyOrExit(policy)
        let report: VerificationReport
        do {
            report = try Verifier(ruleset: Compiler.compile(loaded), policy: loaded).verify()
        } catch {
            printError("the compiled ruleset cannot be verified: \(error)")
            throw ExitCode.invalidData
        }
        print(json ? report.json.serialized : report.text.terminalEscapedLines)
        if !report.holds { throw ExitCode.foundDifference }
    }
}
