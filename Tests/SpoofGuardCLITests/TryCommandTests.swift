import Foundation
import Testing
import SpoofGuardTestSupport

/// `spoofguard try` as a user runs it (the built binary). Kernel runs need CAP_NET_ADMIN.
@Suite(.kernel)
struct TryCommandTests {
    @Test func seededRandomPacketsAgreeAndTheSeedIsPrinted() throws {
        let result = try BuiltBinary.run(["try", "Examples/router.json", "--count", "400", "--seed", "11"])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.contains("400 packets in "))
        #expect(result.standardOutput.contains("400 agree, 0 disagree (seed 11)"))
        #expect(result.standardOutput.contains("rule inet spoofguard prerouting #0 \"guard.source ipv4\""))
    }

    @Test func jsonReportAndPacketFile() throws {
        let result = try BuiltBinary.run(["try", "Examples/router.json", "--packets", "Examples/packets/packets.json", "--json"])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        #expect(object?["agreement"] as? Bool == true)
        #expect((object?["disagreements"] as? [Any])?.isEmpty == true)
        #expect(object?["seed"] is NSNull, "no seed when the packets come from a file")
    }

    @Test func packetsOnInterfacesTheLabLacksAreRefused() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("try-\(UUID().uuidString).json")
        try #"[{"iif": "nosuchif9", "src": "127.0.0.1", "dst": "192.0.2.1"}]"#.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try BuiltBinary.run(["try", "Examples/router.json", "--packets", file.path])
        #expect(result.status != 0)
        #expect(result.standardError.contains("nosuchif9"))
        #expect(result.standardError.contains("eth0"), "the error lists the lab's interfaces")
    }

    @Test func withoutPrivilegesExits77AndLeavesNothingBehind() throws {
        guard let binary = BuiltBinary.path else { throw BuiltBinary.MissingBinary() }
        let outcome = try TestProcess.run(["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
                                           binary, "try", BuiltBinary.packageRoot.appendingPathComponent("Examples/router.json").path, "--count", "5"])
        #expect(outcome.status == 77)
    }
}
