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

/// Kernel and OS failures as sysexits codes, with a message that says what to do:
/// 77 without the capability, 69 when the kernel refuses or lacks nf_tables, 71 when a
/// system call fails, 65 when the policy cannot be expressed for the kernel.
enum KernelFailure {
    static func exit(for error: Error) -> ExitCode {
        switch error {
        case let error as NetlinkError:
            printError("spoofguard: \(error)")
            if error.isPermissionDenied { return ExitCode.noPermission }
            if error.isMissingNfTables {
                printError("spoofguard: this kernel has no nf_tables support: load it with `modprobe nf_tables` (CONFIG_NF_TABLES)")
                return ExitCode.unavailable
            }
            return error.isKernelReply ? ExitCode.unavailable : ExitCode.osError
        case let error as ApplyError:
            printError("spoofguard: \(error)")
            if case let .readBackDiffers(expected, loaded, _) = error {
                for line in RulesetDiff(expected: expected, loaded: loaded).lines { printError("  \(line)") }
            }
            return ExitCode.unavailable
        case let error as LinearizeError:
            printError("spoofguard: \(error)")
            return ExitCode.invalidData
        // The kernel lacks a feature, a table of that name is another tool's, or another process
        // kept changing nf_tables: each says what to do in its own message.
        case is MissingKernelFeatureError, is ForeignTableError, is ConcurrentChangeError:
            printError("spoofguard: \(error)")
            return ExitCode.unavailable
        case let error as DelinearizeError:
            printError("spoofguard: the loaded table holds something spoofguard did not write: \(error)")
            return ExitCode.unavailable
        default:
            printError("spoofguard: \(error)")
            return ExitCode.osError
        }
    }
}
