import ArgumentParser

@main
struct SpoofGuardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spoofguard",
        abstract: "Guard Linux hosts and routers against spoofed loopback addresses with nftables.",
        subcommands: [StatusCommand.self, RemoveCommand.self]
    )
}
