import ArgumentParser
import SpoofGuard
import SpoofGuardLab
import SpoofGuardNetlink
import SpoofGuardRuntime

/// The exit codes scripts rely on (DESIGN.md, sysexits.h where one fits). Every subcommand
/// uses these names rather than numbers.
extension ExitCode {
    /// The command ran and found a difference (verify counterexample, dry-run mismatch, diff drift).
    static let foundDifference = ExitCode(1)
    /// EX_USAGE: bad command line. ArgumentParser exits with this for its own validation errors.
    static let usage = ExitCode(64)
    /// EX_DATAERR: invalid policy or packet data.
    static let invalidData = ExitCode(65)
    /// EX_NOINPUT: an input file cannot be opened or read.
    static let noInput = ExitCode(66)
    /// EX_UNAVAILABLE: the kernel refused or lacks a feature (nf_tables missing, …).
    static let unavailable = ExitCode(69)
    /// EX_OSERR: an operating system call failed.
    static let osError = ExitCode(71)
    /// EX_NOPERM: needs CAP_NET_ADMIN.
    static let noPermission = ExitCode(77)
}

extension KernelFailure {
    /// The one mapping from a failure of the kernel, lab or runtime layer to the exit code scripts
    /// see. It decides on types and on the typed errno (`Errno`), never on message text: 77 without
    /// the capability (EPERM, EACCES) or for runtime state that cannot be trusted, 69 when the
    /// kernel refuses or lacks nf_tables or a feature, another tool owns the table or kept
    /// changing nf_tables, 65 when the policy cannot be expressed for the kernel, 71 when a
    /// system call fails.
    static func exitCode(for error: any Error) -> ExitCode {
        switch error {
        case let error as NetlinkError:
            if error.isPermissionDenied { return .noPermission }
            return error.isMissingNfTables || error.isKernelReply ? .unavailable : .osError
        case let error as LabError:
            return error.isPermissionDenied ? .noPermission : .osError
        case let error as RuntimeError:
            switch error.kind {
            case .unsafe, .permissionDenied: return .noPermission
            case .system: return .osError
            }
        case is LinearizeError:
            return .invalidData
        case is ApplyError, is MissingKernelFeatureError, is ForeignTableError, is ConcurrentChangeError, is DelinearizeError:
            return .unavailable
        default:
            return .osError
        }
    }
}

/// The root command's discussion lists these; keep the two in step.
let exitCodeSummary = """
    Exit codes:
      0   success
      1   the command ran and found a difference (verify counterexample, dry-run
          mismatch, diff drift)
      64  usage error
      65  invalid policy or packet data
      66  an input cannot be opened
      69  kernel failure (nf_tables unavailable or refused the ruleset)
      71  operating system failure
      77  permission denied (needs CAP_NET_ADMIN)
    """
