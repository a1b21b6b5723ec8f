import Foundation
import Testing

let systemdAnalyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Examples/spoofguard.service through `systemd-analyze verify`, with ExecStart pointing at the
/// built binary (verify requires it to exist) and the committed man page on MANPATH (verify runs
/// `man` for every Documentation= man: link).
@Suite(.enabled(if: systemdAnalyze != nil, "systemd-analyze is not installed: apt-get install systemd (see .ci/install-deps)"))
struct SystemdUnitTests {
    @Test func theUnitVerifies() throws {
        let binary = try #require(BuiltBinary.path, "\(BuiltBinary.MissingBinary())")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sg-unit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("man/man8"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: BuiltBinary.packageRoot.appendingPathComponent("Docs/spoofguard.8"),
                                         to: scratch.appendingPathComponent("man/man8/spoofguard.8"))
        let unit = try String(contentsOf: BuiltBinary.packageRoot.appendingPathComponent("Examples/spoofguard.service"), encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/spoofguard apply /etc/spoofguard/policy.json"))
        #expect(unit.contains("ExecReload=/usr/local/bin/spoofguard apply /etc/spoofguard/policy.json"))
        for line in ["Before=network-pre.target", "Wants=network-pre.target", "RemainAfterExit=yes",
                     "CapabilityBoundingSet=CAP_NET_ADMIN", "NoNewPrivileges=yes", "ProtectSystem=strict"] {
            #expect(unit.split(separator: "\n").contains { $0.hasPrefix(line) }, "the unit lacks \(line)")
        }
        let path = scratch.appendingPathComponent("spoofguard.service")
        try Data(unit.replacingOccurrences(of: "/usr/local/bin/spoofguard", with: binary).utf8).write(to: path)
        let verified = try KernelCommandTests.execute(["MANPATH=\(scratch.path)/man", systemdAnalyze!, "verify", path.path])
        #expect(verified.status == 0, "systemd-analyze verify: \(verified.output)\(verified.error)")
        #expect(verified.error.isEmpty, "systemd-analyze verify warned: \(verified.error)")
    }
}
