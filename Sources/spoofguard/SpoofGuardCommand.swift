import ArgumentParser

@main
struct SpoofGuardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spoofguard",
        abstract: "Guard a Linux host or router against packets that claim a loopback address.",
        discussion: """
            spoofguard reads a JSON policy (see Examples/), compiles it into its own nftables \
            table and programs the kernel atomically over netlink. It drops packets arriving \
            on any interface but lo whose source or destination is loopback (127.0.0.0/8, \
            ::1) or loopback disguised in IPv6 (::ffff:127.0.0.0/104 and others).
            POLICY may be - for standard input.

            \(exitCodeSummary)
            """,
        version: spoofGuardVersion,
        // One file per subcommand. Add yours here, in DESIGN.md's order:
        // check, compile, dry-run, verify, apply, status, diff, remove.
        subcommands: [
            CheckCommand.self,
            CompileCommand.self,
            DryRunCommand.self,
            VerifyCommand.self,
            AuditCommand.self,
            ApplyCommand.self,
            WatchCommand.self,
            StatusCommand.self,
            DiffCommand.self,
            RemoveCommand.self,
            TryCommand.self,
            ConfirmCommand.self,
            RevertPendingCommand.self,
        ]
    )
}

let spoofGuardVersion = "0.1.0"
