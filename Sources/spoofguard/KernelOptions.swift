import ArgumentParser
import FoundationEssentials
import Glibc
import SpoofGuard
import SpoofGuardNetlink

/// Options shared by the commands that talk to the kernel.
struct NamespaceOption: ParsableArguments {
    @Option(name: .customLong("netns"),
            help: "Network namespace to work in: a name under /run/netns (as `ip netns add` makes) or a path such as /proc/PID/ns/net.")
    var netns: String?

    var namespace: NetworkNamespace? { netns.map(NetworkNamespace.init(nameOrPath:)) }

    func kernel() throws -> NetfilterKernel {
        try NetfilterKernel(namespace: namespace)
    }
}

/// Reports a kernel or OS failure with a message that says what to do, and returns its exit
/// code (`exitCode(for:)`).
enum KernelFailure {
    static func exit(for error: Error) -> ExitCode {
        switch error {
        case let error as NetlinkError:
            printError("spoofguard: \(error)")
            if !error.isPermissionDenied && error.isMissingNfTables {
                printError("spoofguard: this kernel has no nf_tables support: load it with `modprobe nf_tables` (CONFIG_NF_TABLES)")
            }
        case let error as ApplyError:
            printError("spoofguard: \(error)")
            if case let .readBackDiffers(expected, loaded, _) = error {
                for line in RulesetDiff(expected: expected, loaded: loaded).lines { printError("  \(line)") }
            }
        case let error as DelinearizeError:
            printError("spoofguard: the loaded table holds something spoofguard did not write: \(error)")
        default:
            // The others (a missing kernel feature, another tool's table, concurrent changes, a
            // policy the kernel cannot express, a failed call) each say what to do in their message.
            printError("spoofguard: \(error)")
        }
        return exitCode(for: error)
    }
}
