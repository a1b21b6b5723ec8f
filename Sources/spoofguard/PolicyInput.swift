import ArgumentParser
import Glibc
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

/// `--max-stream-mib`: at least 1, at most 1 TiB (the stream's bytes are reserved as one mapping).
func validateStreamLimit(_ mebibytes: Int) throws {
    guard (1...(1 << 20)).contains(mebibytes) else {
        throw ValidationError("--max-stream-mib must be from 1 to \(1 << 20), not \(mebibytes)")
    }
}

/// Prints one line of text output whose parts come from outside (kernel tables, interface
/// names, policy strings), its control bytes escaped.
func printEscaped(_ line: String) {
    print(line.terminalEscaped)
}

func printError(_ text: String) {
    writeAll(STDERR_FILENO, text + "\n")
}

/// Writes all of `text` to `fd` (pipes may take it in parts); the errno that stopped it, if any.
@discardableResult
func writeAll(_ fd: Int32, _ text: String) -> Int32? {
    Uninterrupted.writeAll(fd, text.utf8)
}
