import Foundation
import Testing
import SpoofGuard

/// The invalid packet corpus (`Packets/Invalid/manifest.json`): every file is refused with the
/// manifest's exit code, a message that names the file and the place (record, line, byte
/// offset) and the manifest's fragment, in strict reading. Read through the library here; the
/// same corpus goes through `spoofguard dry-run` in SpoofGuardCLITests/InvalidPacketDryRunTests.
@Suite("invalid packet files")
struct InvalidPacketFileTests {
    struct Manifest: Decodable {
        struct Case: Decodable {
            var file: String
            var exitCode: Int32
            /// A fragment of the location, e.g. "packet 2" or "byte offset 24".
            var location: String
            var message: String
        }
        var cases: [Case]
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Invalid")

    static let manifest: Manifest = {
        let data = try? Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        return (data.flatMap { try? JSONDecoder().decode(Manifest.self, from: $0) }) ?? Manifest(cases: [])
    }()

    @Test func theManifestCoversEveryFile() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0 != "manifest.json" }
        #expect(Set(files) == Set(Self.manifest.cases.map(\.file)))
        #expect(Self.manifest.cases.count >= 20)
    }

    @Test(arguments: manifest.cases.map(\.file))
    func refused(_ file: String) throws {
        let entry = try #require(Self.manifest.cases.first { $0.file == file })
        let path = Self.directory.appendingPathComponent(file).path
        do {
            let result = try PacketSource.read(contentsOf: path, defaultInterface: "eth0")
            Issue.record("\(file) was read: \(result.packets.count) packets")
        } catch {
            let text = error.description
            #expect(error.exitCode == entry.exitCode, "\(text)")
            #expect(text.hasPrefix("\(path): "), "\(text)")
            #expect(entry.location.isEmpty || text.contains(entry.location), "\(text)")
            #expect(text.contains(entry.message), "\(text)")
        }
        // --skip-bad never crashes on them either; it may keep some packets or still refuse.
        _ = try? PacketSource.read(contentsOf: path, defaultInterface: "eth0", skipBad: true)
    }

    @Test func aMissingFileIs66() {
        let path = Self.directory.appendingPathComponent("absent.pcap").path
        do {
            _ = try PacketSource.read(contentsOf: path)
            Issue.record("a missing file was read")
        } catch {
            #expect(error.exitCode == 66)
            #expect(error.description.hasPrefix("\(path): "))
        }
    }
}
