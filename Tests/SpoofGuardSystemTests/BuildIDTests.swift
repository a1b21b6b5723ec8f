import Glibc
import SpoofGuard
@testable import SpoofGuardSystem
import SpoofGuardTestSupport
import Testing

/// The build-id from the loaded program headers: the note parser on crafted notes, and the
/// running test binary's own build-id against what `readelf -n` reads from its file.
struct BuildIDTests {
    /// One note: name size, descriptor size, type, then name and descriptor padded to 4 bytes.
    static func note(name: String, type: UInt32, descriptor: [UInt8]) -> [UInt8] {
        func word(_ value: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(value).littleEndian) { Array($0) } }
        func padded(_ bytes: [UInt8]) -> [UInt8] { bytes + [UInt8](repeating: 0, count: (4 - bytes.count % 4) % 4) }
        let nameBytes = Array(name.utf8) + [0]
        return word(nameBytes.count) + word(descriptor.count) + word(Int(type)) + padded(nameBytes) + padded(descriptor)
    }

    static func parse(_ bytes: [UInt8]) -> [UInt8]? {
        bytes.withUnsafeBytes { BuildID.buildID(inNotes: $0) }
    }

    @Test func findsTheGNUBuildIDNoteAmongOthers() {
        let id: [UInt8] = Array(1...20)
        let notes = Self.note(name: "GNU", type: 1, descriptor: [0, 0, 0, 0, 3, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])  // ABI tag
            + Self.note(name: "stapsdt", type: 3, descriptor: [9, 9, 9])  // right type, other owner
            + Self.note(name: "GNU", type: 3, descriptor: id)
        #expect(Self.parse(notes) == id)
        // An odd length is padded in the segment and not in the id.
        #expect(Self.parse(Self.note(name: "GNU", type: 3, descriptor: [7, 8, 9])) == [7, 8, 9])
    }

    @Test func noBuildIDOrCutNotesGiveNone() {
        let notes = Self.note(name: "GNU", type: 3, descriptor: Array(1...20))
        #expect(Self.parse([]) == nil)
        #expect(Self.parse(Self.note(name: "GNU", type: 1, descriptor: [1, 2, 3, 4])) == nil)
        #expect(Self.parse(Self.note(name: "GNU", type: 3, descriptor: [])) == nil)
        for length in 0..<notes.count - 1 {
            #expect(Self.parse(Array(notes.prefix(length))) == nil, "cut at \(length)")
        }
        var huge = notes
        huge[4] = 0xff; huge[5] = 0xff; huge[6] = 0xff; huge[7] = 0x7f  // a descriptor size past the end
        #expect(Self.parse(huge) == nil)
    }

    @Test(.tool(isExecutable("/usr/bin/readelf"), "readelf (binutils) is not installed"))
    func theRunningProgramsBuildIDIsTheFilesOne() throws {
        let id = try #require(BuildID.current, "the test binary has a build-id (gold --build-id)")
        let notes = try TestProcess.succeed(["/usr/bin/readelf", "-n", "/proc/self/exe".resolvedLink])
        let line = try #require(notes.split(separator: "\n").first { $0.contains("Build ID:") })
        #expect(line.split(separator: " ").last.map(String.init) == ElementRecord.hex(id))
    }
}

private func isExecutable(_ path: String) -> Bool { access(path, X_OK) == 0 }

extension String {
    /// The target of the symbolic link at this path (readelf reads its own /proc/self otherwise).
    fileprivate var resolvedLink: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(self, &buffer, buffer.count - 1)
        return count > 0 ? String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self) : self
    }
}
