import ArgumentParser
import Foundation
import SpoofGuard

/// Loads a policy the same way in every subcommand: on failure prints every problem to
/// standard error (one per line, `FILE: $.path: message`) and exits 65, or 66 if unreadable.
func loadPolicyOrExit(_ path: String) throws -> Policy {
    do {
        return try Policy.load(from: path)
    } catch {
        printError(error.description)
        throw ExitCode(error.exitCode)
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
