import Foundation
import SpoofGuardTestSupport
import Testing

/// One spelling for machine output: `--json` everywhere, `--format json` an alias where a
/// command also has `--format`, and a usage error (64) for two choices that contradict.
struct MachineOutputTests {
    @Test func compileTakesJSONAsTheSameAsFormatJSON() throws {
        let flag = try BuiltBinary.run(["compile", "Examples/router.json", "--json"])
        let option = try BuiltBinary.run(["compile", "Examples/router.json", "--format", "json"])
        #expect(flag.status == 0 && option.status == 0)
        #expect(flag.standardOutput == option.standardOutput && flag.standardOutput.hasPrefix("{"))
        let contradiction = try BuiltBinary.run(["compile", "Examples/router.json", "--json", "--format", "nft"])
        #expect(contradiction.status == 64)
        #expect(contradiction.standardError.contains("--json and --format nft exclude each other"))
    }

    @Test(arguments: ["status", "audit"])
    func jsonAndPrometheusExcludeEachOther(command: String) throws {
        // Parsed before anything is read: no namespace or privilege needed.
        let outcome = try BuiltBinary.run([command, "--json", "--format", "prometheus"])
        #expect(outcome.status == 64)
        #expect(outcome.standardError.contains("--json and --format prometheus exclude each other"))
    }

    @Test func everyJSONFlagHasTheSameHelp() throws {
        for command in ["check", "compile", "dry-run", "verify", "audit", "apply", "confirm", "status", "diff", "remove", "try"] {
            let help = try BuiltBinary.run(["help", command])
            #expect(help.standardOutput.contains("--json") && help.standardOutput.contains("Print the result as JSON."), "\(command)")
        }
    }
}

/// `status --format json` and `status --json` print the same, in a private namespace.
@Suite(.kernel)
struct StatusOutputAliasTests {
    @Test func formatJSONIsTheSameAsJSON() throws {
        let ns = try TestNamespace()
        #expect(try ns.spoofguard("apply", "Examples/router.json".absolutePolicy).status == 0)
        let flag = try ns.spoofguard("status", "--json")
        let option = try ns.spoofguard("status", "--format", "json")
        #expect(flag.status == 0 && option.status == 0)
        // Counters may move between the two reads only if packets arrive: none do here.
        #expect(flag.output == option.output && flag.output.hasPrefix("{"))
    }
}

private extension String {
    var absolutePolicy: String { BuiltBinary.packageRoot.appendingPathComponent(self).path }
}
