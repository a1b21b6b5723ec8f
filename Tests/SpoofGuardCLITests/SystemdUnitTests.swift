import Foundation
import Testing
import SpoofGuardTestSupport

let systemdAnalyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Examples/spoofguard.service through `systemd-analyze verify`, with ExecStart pointing at the
/// built binary (verify requires it to exist) and the committed man page on MANPATH (verify runs
/// `man` for every Documentation= man: link).
@Suite(.tool(systemdAnalyze != nil, "systemd-analyze is not installed: apt-get install systemd (see .ci/install-deps)"))
struct SystemdUnitTests {
    @Test func theUnitVerifies() throws {
        let binary = try #require(BuiltBinary.path, "\(BuiltBinary.MissingBinary())")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sg-unit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let unit = try String(contentsOf: BuiltBinary.packageRoot.appendingPathComponent("Examples/spoofguard.service"), encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/spoofguard apply /etc/spoofguard/policy.json"))
        #expect(unit.contains("ExecReload=/usr/local/bin/spoofguard apply /etc/spoofguard/policy.json"))
        for line in ["Before=network-pre.target", "Wants=network-pre.target", "RemainAfterExit=yes",
                     "CapabilityBoundingSet=CAP_NET_ADMIN", "NoNewPrivileges=yes", "ProtectSystem=strict"] {
            #expect(unit.split(separator: "\n").contains { $0.hasPrefix(line) }, "the unit lacks \(line)")
        }
        try Self.verify(["spoofguard.service"], binary: binary, scratch: scratch)
    }

    /// The hourly audit: a read-only oneshot with the same least privilege, and its timer.
    @Test func theAuditUnitAndTimerVerify() throws {
        let binary = try #require(BuiltBinary.path, "\(BuiltBinary.MissingBinary())")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sg-unit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let unit = try String(contentsOf: BuiltBinary.packageRoot.appendingPathComponent("Examples/spoofguard-audit.service"), encoding: .utf8)
        let lines = unit.split(separator: "\n")
        #expect(lines.contains("ExecStart=/usr/local/bin/spoofguard audit /etc/spoofguard/policy.json"))
        for line in ["Type=oneshot", "CapabilityBoundingSet=CAP_NET_ADMIN", "NoNewPrivileges=yes", "ProtectSystem=strict",
                     "RestrictAddressFamilies=AF_NETLINK AF_UNIX"] {
            #expect(lines.contains { $0.hasPrefix(line) }, "the audit unit lacks \(line)")
        }
        #expect(!unit.contains(" apply ") && !unit.contains(" remove"), "the audit unit must not write to the kernel")
        let timer = try String(contentsOf: BuiltBinary.packageRoot.appendingPathComponent("Examples/spoofguard-audit.timer"), encoding: .utf8)
        #expect(timer.contains("OnCalendar=hourly"))
        try Self.verify(["spoofguard-audit.service", "spoofguard-audit.timer"], binary: binary, scratch: scratch)
    }

    /// The watch agent: Type=notify (READY=1 over NOTIFY_SOCKET), the same least privilege.
    @Test func theWatchUnitVerifies() throws {
        let binary = try #require(BuiltBinary.path, "\(BuiltBinary.MissingBinary())")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sg-unit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let unit = try String(contentsOf: BuiltBinary.packageRoot.appendingPathComponent("Examples/spoofguard-watch.service"), encoding: .utf8)
        let lines = unit.split(separator: "\n")
        #expect(lines.contains("ExecStart=/usr/local/bin/spoofguard watch /etc/spoofguard/policy.json"))
        for line in ["Type=notify", "CapabilityBoundingSet=CAP_NET_ADMIN", "NoNewPrivileges=yes", "ProtectSystem=strict",
                     "RestrictAddressFamilies=AF_NETLINK AF_UNIX"] {
            #expect(lines.contains { $0.hasPrefix(line) }, "the watch unit lacks \(line)")
        }
        try Self.verify(["spoofguard.service", "spoofguard-watch.service"], binary: binary, scratch: scratch)
    }

    /// Copies the units and the committed man page into `scratch`, points ExecStart at the built
    /// binary, and requires `systemd-analyze verify` to pass without a warning.
    static func verify(_ units: [String], binary: String, scratch: URL) throws {
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("man/man8"), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: scratch.appendingPathComponent("man/man8/spoofguard.8").path) {
            try FileManager.default.copyItem(at: BuiltBinary.packageRoot.appendingPathComponent("Docs/spoofguard.8"),
                                             to: scratch.appendingPathComponent("man/man8/spoofguard.8"))
        }
        var paths: [String] = []
        for unit in units {
            let text = try String(contentsOf: BuiltBinary.packageRoot.appendingPathComponent("Examples/\(unit)"), encoding: .utf8)
            let path = scratch.appendingPathComponent(unit)
            try Data(text.replacingOccurrences(of: "/usr/local/bin/spoofguard", with: binary).utf8).write(to: path)
            paths.append(path.path)
        }
        let verified = try KernelCommandTests.execute(["MANPATH=\(scratch.path)/man", systemdAnalyze!, "verify"] + paths)
        #expect(verified.status == 0, "systemd-analyze verify: \(verified.output)\(verified.error)")
        #expect(verified.error.isEmpty, "systemd-analyze verify warned: \(verified.error)")
    }
}
