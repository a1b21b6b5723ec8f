import Foundation
import Testing

/// The invalid packet corpus (`Tests/SpoofGuardTests/Packets/Invalid/manifest.json`) through the
/// built binary: `dry-run` in every output mode exits with the manifest's code, names the file,
/// the place and the problem on standard error, prints no totals, and under `--json` leaves
/// standard output empty or one complete JSON document that says why it stopped.
@Suite("spoofguard dry-run on invalid packet files (the built binary)")
struct InvalidPacketDryRunTests {
    struct Case: Decodable {
        var file: String
        var exitCode: Int32
        var location: String
        var message: String
    }

    static let directory = BuiltBinary.packageRoot.appendingPathComponent("Tests/SpoofGuardTests/Packets/Invalid")

    static let cases = CorpusManifest<Case>.load(from: directory)

    static let modes: [[String]] = [[], ["--summary"], ["--drops"], ["--json"], ["--json", "--summary"]]

    @Test func theCorpusIsThere() {
        #expect(Self.cases.count >= 20)
    }

    @Test(arguments: cases.map(\.file))
    func refused(_ file: String) throws {
        let entry = try #require(Self.cases.first { $0.file == file })
        let path = Self.directory.appendingPathComponent(file).path
        for mode in Self.modes {
            let result = try BuiltBinary.run(["dry-run", "Examples/router.json", "--packets", path, "--iif", "wan0"] + mode)
            let said = "\(mode): \(result.standardError)"
            #expect(result.status == entry.exitCode, "\(said)")
            #expect(result.standardError.hasPrefix("\(path): "), "\(said)")
            #expect(entry.location.isEmpty || result.standardError.contains(entry.location), "\(said)")
            #expect(result.standardError.contains(entry.message), "\(said)")
            #expect(!result.standardOutput.contains("packets:") && !result.standardOutput.contains("\"totals\""),
                    "no totals for input that was not read to its end: \(mode)")
            if mode.contains("--summary") { #expect(result.standardOutput.isEmpty, "\(mode)") }
            if mode.contains("--json"), !result.standardOutput.isEmpty {
                let document = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
                let error = document?["error"] as? [String: Any]
                #expect(error?["exit_code"] as? Int == Int(entry.exitCode), "\(result.standardOutput)")
                #expect((error?["message"] as? String)?.contains(entry.message) == true, "\(result.standardOutput)")
            }
        }
    }

    /// `--skip-bad` (which the readers' messages suggest) never crashes on the corpus: it exits
    /// 0 with totals that count what it skipped, or refuses what cannot be skipped (a file that
    /// is not a packet file at all) with the same message.
    @Test(arguments: cases.map(\.file))
    func skipBad(_ file: String) throws {
        let entry = try #require(Self.cases.first { $0.file == file })
        let path = Self.directory.appendingPathComponent(file).path
        let result = try BuiltBinary.run(["dry-run", "Examples/router.json", "--packets", path, "--iif", "wan0", "--skip-bad", "--json", "--summary"])
        if result.status == 0 {
            let document = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
            let skipped = try #require(document["skipped_records"] as? Int)
            #expect(skipped >= 1, "a bad file read with nothing skipped: \(result.standardOutput)")
            #expect(result.standardError.split(separator: "\n").filter { $0.hasPrefix("skipped \(path): ") }.count == skipped)
        } else {
            #expect(result.status == entry.exitCode, "\(result.standardError)")
            #expect(result.standardError.contains(entry.message), "\(result.standardError)")
            #expect(result.standardOutput.isEmpty)
        }
    }

    @Test func aMissingFileIs66() throws {
        let path = Self.directory.appendingPathComponent("absent.pcap").path
        let result = try BuiltBinary.run(["dry-run", "Examples/router.json", "--packets", path, "--iif", "wan0", "--json"])
        #expect(result.status == 66)
        #expect(result.standardError.hasPrefix("\(path): "))
        #expect(result.standardOutput.isEmpty)
    }
}
