import Foundation
import SpoofGuardTestSupport

/// nft (nftables 1.0.6) as a test oracle, always inside a fresh private network namespace
/// (`unshare -n`), so the host's firewall is never touched. Needs root (CAP_SYS_ADMIN for
/// unshare, CAP_NET_ADMIN for nft); tests are disabled with that reason otherwise.
enum NftOracle {
    static let nftPath = "/usr/sbin/nft"
    static let unsharePath = "/usr/bin/unshare"

    static var isAvailable: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: nftPath)
            && FileManager.default.isExecutableFile(atPath: unsharePath)
    }
    static let unavailableReason = "needs root and nft (nftables) to load rulesets in a private network namespace"

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `script` under `sh -e` in a new network namespace. `files` are written to a fresh
    /// directory first; the script finds it in `$DIR`.
    static func run(_ script: String, files: [String: String] = [:]) throws -> Output {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("spoofguard-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, contents) in files {
            try contents.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        // The runner puts output in files, not pipes: a large listing can never block nft.
        let outcome = try TestProcess.run(["DIR=\(directory.path)", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", unsharePath, "-n", "sh", "-ec", script])
        return Output(status: outcome.status, stdout: outcome.output, stderr: outcome.error)
    }

    /// veth pairs named d0, d1, d2 (peers p0…): the kernel here has no dummy driver.
    static let devices = "for n in 0 1 2; do ip link add d$n type veth peer name p$n; done\n"
}
