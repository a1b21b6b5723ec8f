import Glibc
import Testing
import SpoofGuard
@testable import SpoofGuardLab

/// Kernel tests run as root (or with CAP_NET_ADMIN in their own user namespace); otherwise
/// they are skipped with this reason.
enum LabSupport {
    static let isPrivileged: Bool = {
        // CapEff bit 12 is CAP_NET_ADMIN.
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
              let mask = UInt64(line.split(separator: "\t").last ?? "", radix: 16) else { return geteuid() == 0 }
        return mask & (1 << 12) != 0
    }()
    static let skipReason: Comment = "needs CAP_NET_ADMIN to build network namespaces (run as root)"

    static func packet(_ source: String, _ destination: String, on interface: String,
                       kind: InputInterface.Kind? = nil, _ transport: TransportProtocol = .udp,
                       routeLocalnet: Bool = false) -> Packet {
        Packet(inputInterface: InputInterface(name: interface, kind: kind), source: try! IPAddress(parsing: source),
               destination: try! IPAddress(parsing: destination), transport: transport, routeLocalnet: routeLocalnet)
    }

    /// Runs a command inside the router namespace (the test oracle `nft`, never the product).
    @discardableResult
    static func inRouter(_ lab: KernelLab, _ arguments: [String], input: String? = nil) throws -> String {
        try Subprocess.run(["ip", "netns", "exec", lab.router.name] + arguments, input: input)
    }
}

import Foundation
