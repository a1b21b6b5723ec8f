import Foundation
import SpoofGuardLab
import SpoofGuardSystem
import Testing

/// Inputs that never end, and counts nobody meant (issue 19, item 3): a clear error and a
/// bounded process, never a heap that grows until the machine gives out.
struct BoundedInputTests {
    static func run(_ arguments: [String]) throws -> ChildProcess {
        guard let path = BuiltBinary.path else { throw BuiltBinary.MissingBinary() }
        return try ChildProcess.run([path] + arguments, directory: BuiltBinary.packageRoot.path, measuringPeakMemory: true)
    }

    @Test(arguments: ["/dev/zero", "/dev/urandom"])
    func anEndlessDeviceEndsWithAClearErrorInBoundedMemory(_ device: String) throws {
        let child = try Self.run(["dry-run", "Examples/router.json", "--packets", device])
        #expect(child.status == 65, "\(child.standardError)")
        #expect(child.standardError.contains("\(device):"))
        #expect(child.standardError.contains("32 MiB"))
        #expect(child.standardError.contains("--max-stream-mib"))
        #expect(child.standardOutput.isEmpty)
        #expect(child.maximumResidentKilobytes < 100 * 1024, "peak RSS \(child.maximumResidentKilobytes) KiB")
    }

    @Test func theStreamLimitCanBeLoweredAndRaised() throws {
        let lowered = try Self.run(["dry-run", "Examples/router.json", "--packets", "/dev/zero", "--max-stream-mib", "1", "--summary"])
        #expect(lowered.status == 65)
        #expect(lowered.standardError.contains("1 MiB"))
        // The 31 MiB not read are not held: well below the default's peak (relative, because
        // the runtime's own footprint differs between debug, release and ASan builds).
        let byDefault = try Self.run(["dry-run", "Examples/router.json", "--packets", "/dev/zero", "--summary"])
        #expect(lowered.maximumResidentKilobytes + 16 * 1024 < byDefault.maximumResidentKilobytes,
                "peak RSS \(lowered.maximumResidentKilobytes) KiB at 1 MiB, \(byDefault.maximumResidentKilobytes) KiB at 32 MiB")
        let zero = try Self.run(["dry-run", "Examples/router.json", "--packets", "/dev/zero", "--max-stream-mib", "0"])
        #expect(zero.status == 64)
        // A stream within the limit is read as before.
        let packets = try String(contentsOf: BuiltBinary.packageRoot.appendingPathComponent("Examples/packets/packets.json"), encoding: .utf8)
        guard let path = BuiltBinary.path else { throw BuiltBinary.MissingBinary() }
        let piped = try ChildProcess.run([path, "dry-run", "Examples/router.json", "--packets", "-", "--max-stream-mib", "1", "--summary"],
                                         standardInput: Array(packets.utf8), directory: BuiltBinary.packageRoot.path)
        #expect(piped.status == 0, "\(piped.standardError)")
    }

    @Test func anAbsurdTryCountIsAUsageErrorThatBuildsNothing() throws {
        // Not under GNU time: the lab names carry this child's own pid.
        guard let path = BuiltBinary.path else { throw BuiltBinary.MissingBinary() }
        let child = try ChildProcess.run([path, "try", "Examples/router.json", "--count", "1000000000"], directory: BuiltBinary.packageRoot.path)
        #expect(child.status == 64, "\(child.standardError)")
        #expect(child.standardError.contains("--count must be from 1 to 1000000"))
        #expect(!child.standardError.contains("Fatal error"))
        let left = (try? FileManager.default.contentsOfDirectory(atPath: LabNamespace.directory)) ?? []
        #expect(left.filter { $0.hasPrefix("\(LabNamespace.labPrefix)\(child.pid)-") }.isEmpty)
        #expect(try Self.run(["try", "Examples/router.json", "--count", "0"]).status == 64)
    }
}
