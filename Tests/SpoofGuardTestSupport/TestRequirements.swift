import Foundation
import Glibc
import Testing

/// What the kernel and tool tests need, and whether a run must have it. A developer without
/// privileges sees those suites skipped with a printed reason; CI sets
/// SPOOFGUARD_REQUIRE_KERNEL=1, under which they run anyway — and so fail on a missing
/// capability or tool instead of letting a green run hide that nothing was tested.
public enum TestRequirements {
    /// CAP_NET_ADMIN in the effective set (bit 12 of CapEff): enough to create network
    /// namespaces, veth links and nf_tables tables.
    public static let hasNetAdmin: Bool = {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
              let mask = UInt64(line.split(separator: "\t").last ?? "", radix: 16) else { return geteuid() == 0 }
        return mask & (1 << 12) != 0
    }()

    /// Set by .ci/run: every kernel and tool suite must run.
    public static let isRequired: Bool = getenv("SPOOFGUARD_REQUIRE_KERNEL").map { String(cString: $0) == "1" } ?? false

    public static let kernelReason: Comment = "needs CAP_NET_ADMIN to create network namespaces (run as root); SPOOFGUARD_REQUIRE_KERNEL=1 makes this a failure"
}

extension Trait where Self == ConditionTrait {
    /// A suite that talks to the kernel (each test in its own network namespace).
    public static var kernel: Self {
        .enabled(if: TestRequirements.hasNetAdmin || TestRequirements.isRequired, TestRequirements.kernelReason)
    }

    /// A suite that needs an external tool (nft, tcpdump, systemd-analyze, …) as its oracle.
    public static func tool(_ available: Bool, _ reason: Comment) -> Self {
        .enabled(if: available || TestRequirements.isRequired, reason)
    }
}
