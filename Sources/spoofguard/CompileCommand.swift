import ArgumentParser
import Glibc
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

            What each hook sees: prerouting (inet) sees IPv4 and IPv6 packets on their way to \
            routing, after the kernel has unwrapped VLAN and PPPoE on their own devices, and never \
            ::1 from outside. ingress (netdev) and bridge see frames as they arrive, with one \
            802.1Q/802.1ad tag already taken off by the kernel; IP inside QinQ (802.1ad+802.1Q, \
            802.1Q+802.1Q) and PPPoE session frames (also behind one 802.1Q tag) is still wrapped \
            there, so these hooks get rules of their own for each of those encapsulations. nft 1.0.6 \
            cannot declare their sets in JSON: json refuses such a ruleset (exit 65).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case nft, json
    }

    @Argument(help: "The policy file, or - for standard input.")
    var policy: String

    @Option(name: .customLong("format"), help: "Output format: nft (for nft -f; the default) or json (for nft -j -f; the same as --json).")
    var chosenFormat: Format?
    @OptionGroup var jsonOption: JSONOption

    var format: Format { jsonOption.json ? .json : chosenFormat ?? .nft }

    func validate() throws {
        if jsonOption.json && chosenFormat == .nft { throw ValidationError("--json and --format nft exclude each other") }
    }

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func run() throws {
        let ruleset = Compiler.compile(try loadPolicyOrExit(policy))
        let problems = RenderProblem.problems(in: ruleset) + (format == .json ? RenderProblem.jsonProblems(in: ruleset) : [])
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
        if let failure = Self.write(text, to: output) {
            printError("\(output): cannot write: \(failure)")
            throw ExitCode.osError
        }
    }

    /// A regular (or absent) file is replaced atomically — written beside and renamed — so a
    /// reader never sees half a ruleset; anything else (/dev/null, a FIFO, a symlink) is written
    /// through, which a rename would destroy. Returns the failure, if any.
    static func write(_ text: String, to path: String) -> String? {
        var info = stat()
        let regularOrAbsent = lstat(path, &info) != 0 || info.st_mode & S_IFMT == S_IFREG
        let target = regularOrAbsent ? path + ".\(getpid()).tmp" : path
        let fd = regularOrAbsent ? open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
                                 : open(target, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        var failure = writeAll(fd, text) ?? 0
        if close(fd) != 0 && failure == 0 { failure = errno }
        if regularOrAbsent {
            if failure == 0 && rename(target, path) != 0 { failure = errno }
            if failure != 0 { unlink(target) }
        }
        return failure == 0 ? nil : String(cString: strerror(failure))
    }
}
