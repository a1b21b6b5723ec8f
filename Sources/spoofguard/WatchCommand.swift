import ArgumentParser
import Glibc
import SpoofGuard
import SpoofGuardNetlink

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Keep the policy loaded while devices come and go and others touch the table.",
        discussion: """
            Applies POLICY, then follows rtnetlink link events and nf_tables events: when a device the \
            policy guards appears, is renamed or disappears, or another process changes or deletes \
            spoofguard's table, the policy is applied again (the same atomic apply; events within \
            10 ms share one apply). One line per action on standard error. SIGTERM or SIGINT ends it \
            with status 0 and leaves the table loaded. With NOTIFY_SOCKET set (systemd Type=notify) \
            it reports READY=1 after the first apply.
            """)

    @Argument(help: "Policy file (JSON), or - for standard input.") var policy: String
    @OptionGroup var namespace: NamespaceOption
    /// Test hook: CI's kernel has both netdev features, so tests simulate one without them.
    @Option(help: ArgumentHelp("Test hook: act as if the kernel had only these netdev hook features (absent-devices, device-prefixes, or none) instead of probing it.",
                               valueName: "list", visibility: .hidden))
    var simulateKernelFeatures: String?

    func validate() throws {
        if let list = simulateKernelFeatures, KernelFeatures(simulating: list) == nil {
            throw ValidationError("--simulate-kernel-features takes absent-devices, device-prefixes (comma-separated) or none, not \"\(list)\"")
        }
    }

    func run() throws {
        // Before any thread exists, so that no thread takes SIGTERM's default action.
        let stop: Int32
        do { stop = try WatchAgent.stopSignals() } catch { throw KernelFailure.exit(for: error) }
        let simulated = simulateKernelFeatures.flatMap(KernelFeatures.init(simulating:))
        let policy = try loadPolicyOrExit(self.policy)
        let log = { (line: String) in printError("spoofguard watch: \(line)") }
        do {
            let agent = try WatchAgent(policy: policy, namespace: namespace.namespace, features: simulated, log: log)
            let signal = try agent.run(stop: stop) {
                ServiceManager.notify("READY=1\nSTATUS=watching \(policy.table)")
            }
            ServiceManager.notify("STOPPING=1")
            log("\(signal): stopping; the table stays loaded")
        } catch {
            throw KernelFailure.exit(for: error)
        }
    }
}
