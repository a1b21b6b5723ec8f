import Glibc
import Testing
import SpoofGuard
@testable import SpoofGuardLab

enum LabSupport {
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
