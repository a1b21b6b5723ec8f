import Glibc
import SpoofGuardSystem

/// Runs iproute2 (`ip`) — the lab's only external tool, used to create namespaces and links —
/// through `ChildProcess`.
enum Subprocess {
    /// Runs `arguments` (searched on PATH and in /usr/sbin, /sbin); returns stdout, throws with
    /// stderr on a non-zero exit. With `input`, the argument `-` (read stdin) gets it on stdin.
    @discardableResult
    static func run(_ arguments: [String], input: String? = nil) throws(LabError) -> String {
        let child: ChildProcess
        do {
            child = try ChildProcess.run(arguments, standardInput: input.map { Array($0.utf8) })
        } catch {
            throw LabError(error)
        }
        guard child.status == 0 else {
            throw .command(arguments: arguments, status: child.status, output: child.standardError)
        }
        return child.standardOutput
    }
}
