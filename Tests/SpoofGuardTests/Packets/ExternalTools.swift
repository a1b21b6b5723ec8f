import Foundation
import SpoofGuardTestSupport
import SpoofGuard

/// Runs system tools (tcpdump, unshare) for oracle tests. Nothing here touches the host's
/// network: captures run inside `unshare -n`, a private network namespace.
enum ExternalTools {
    static func path(_ name: String) -> String? {
        for directory in ["/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin"] {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static var hasTcpdump: Bool { path("tcpdump") != nil }

    /// Capturing needs root (a namespace of our own and a raw socket in it).
    static var canCapture: Bool { hasTcpdump && path("unshare") != nil && path("ip") != nil && getuid() == 0 }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let outcome = try TestProcess.run([path(tool) ?? tool] + arguments)
        return (outcome.status, outcome.output, outcome.error)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("spoofguard-packets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The addresses (and ports, when tcpdump prints them next to the addresses) of each IP
    /// packet in `tcpdump -nn -r` output, as "src > dst" with ports after a space.
    static func tcpdumpAddresses(_ output: String) -> [String] {
        output.split(separator: "\n").compactMap { line in
            let tokens = line.split(separator: " ")
            guard let index = tokens.firstIndex(where: { $0 == "IP" || $0 == "IP6" }), index + 3 < tokens.count else { return nil }
            let v6 = tokens[index] == "IP6"
            func split(_ token: Substring) -> String {
                let text = token.hasSuffix(":") ? String(token.dropLast()) : String(token)
                let dots = text.filter { $0 == "." }.count
                // An IPv4 address has 3 dots (as does an IPv6 one with an embedded IPv4 address);
                // one more dot (IPv6: exactly one, or 4) means a port follows.
                let hasPort = v6 ? (dots == 1 || dots == 4) : dots == 4
                guard hasPort, let last = text.lastIndex(of: ".") else { return text }
                return text[..<last] + " " + text[text.index(after: last)...]
            }
            return split(tokens[index + 1]) + " > " + split(tokens[index + 3])
        }
    }
}

extension Packet {
    /// The same shape as `ExternalTools.tcpdumpAddresses`.
    var tcpdumpShape: String {
        var source = self.source.description
        var destination = self.destination.description
        if let sourcePort, let destinationPort {
            source += " \(sourcePort)"
            destination += " \(destinationPort)"
        }
        return source + " > " + destination
    }
}
