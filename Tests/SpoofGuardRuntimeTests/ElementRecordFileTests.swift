import Foundation
import SpoofGuard
@testable import SpoofGuardRuntime
import Testing

/// The element record on disk: written privately and atomically, and believed only when it is
/// a regular file of root's (or this user's), mode 0600, written for this boot, namespace and
/// table. Every other file is "absent" (another boot: silent) or "rejected" (a warning).
struct ElementRecordFileTests {
    static let owner = ElementRecord.Owner(bootID: "0f8c7a5e-6c1b-4d53-9a1e-2b7c0d9e4f11", namespaceCookie: 77, table: "spoofguard")
    static let record = ElementRecord(generation: 9, digests: [
        SetPath(family: .inet, table: "spoofguard", set: "source_ipv4"): [1] + Array(0..<16),
    ])

    final class Scratch {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sg-record-\(UUID().uuidString)").path
        let directory: RuntimeDirectory
        init() throws { directory = try #require(try RuntimeDirectory.open(path, create: true)) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        var file: ElementRecordFile { ElementRecordFile(directory: directory, owner: ElementRecordFileTests.owner) }
    }

    @Test func savedRecordLoadsBackAndIsPrivate() throws {
        let scratch = try Scratch()
        #expect(scratch.file.load() == .absent)
        try scratch.file.save(Self.record)
        #expect(scratch.file.name == "elements-77-spoofguard.record")
        #expect(scratch.file.load() == .record(Self.record))
        let attributes = try FileManager.default.attributesOfItem(atPath: scratch.file.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == [scratch.file.name])
        scratch.file.delete()
        #expect(scratch.file.load() == .absent)
    }

    @Test func anotherBootsRecordIsSilentlyAbsent() throws {
        let scratch = try Scratch()
        var other = Self.owner
        other.bootID = "11111111-2222-3333-4444-555555555555"
        try ElementRecordFile(directory: scratch.directory, owner: other).save(Self.record)
        #expect(scratch.file.load() == .absent)
    }

    @Test func anotherNamespacesRecordUnderThisName() throws {
        let scratch = try Scratch()
        var other = Self.owner
        other.namespaceCookie = 78
        try Data(Self.record.encoded(for: other)).write(to: URL(fileURLWithPath: scratch.file.path))
        chmod(scratch.file.path, 0o600)
        guard case .rejected(let reason) = scratch.file.load() else { Issue.record("accepted"); return }
        #expect(reason.contains("namespace cookie 78"))
    }

    @Test(arguments: [
        ("garbage", "not a spoofguard element record"),
        ("truncated", "truncated"),
        ("empty", "truncated"),
    ])
    func unreadableContentsAreRejected(kind: String, reason: String) throws {
        let scratch = try Scratch()
        let valid = Self.record.encoded(for: Self.owner)
        let bytes: [UInt8] = switch kind {
        case "garbage": Array(repeating: 0x41, count: 100) + [10]
        case "truncated": Array(valid.prefix(valid.count - 9))
        default: []
        }
        try Data(bytes).write(to: URL(fileURLWithPath: scratch.file.path))
        chmod(scratch.file.path, 0o600)
        guard case .rejected(let message) = scratch.file.load() else { Issue.record("\(kind) accepted"); return }
        #expect(message.contains(scratch.file.path) && message.contains(reason), "\(message)")
    }

    @Test func aSymlinkIsNeverFollowed() throws {
        let scratch = try Scratch()
        let elsewhere = scratch.path + "-target"
        defer { try? FileManager.default.removeItem(atPath: elsewhere) }
        try Data(Self.record.encoded(for: Self.owner)).write(to: URL(fileURLWithPath: elsewhere))
        chmod(elsewhere, 0o600)
        try FileManager.default.createSymbolicLink(atPath: scratch.file.path, withDestinationPath: elsewhere)
        guard case .rejected(let reason) = scratch.file.load() else { Issue.record("followed"); return }
        #expect(reason.contains("symbolic link"))
        // Saving replaces the link; the target is untouched.
        try scratch.file.save(ElementRecord(generation: 10, digests: [:]))
        #expect(try Data(contentsOf: URL(fileURLWithPath: elsewhere)) == Data(Self.record.encoded(for: Self.owner)))
        #expect(scratch.file.load() == .record(ElementRecord(generation: 10, digests: [:])))
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o620, 0o602])
    func groupOrOtherPermissionIsRejected(mode: Int) throws {
        let scratch = try Scratch()
        try scratch.file.save(Self.record)
        chmod(scratch.file.path, mode_t(mode))
        guard case .rejected(let reason) = scratch.file.load() else { Issue.record("mode \(String(mode, radix: 8)) accepted"); return }
        #expect(reason.contains("mode \(String(mode, radix: 8))"))
    }

    @Test func anotherOwnerIsRejected() throws {
        let scratch = try Scratch()
        try #require(getuid() == 0, "changing a file's owner needs root")
        try scratch.file.save(Self.record)
        chown(scratch.file.path, 65534, 65534)
        guard case .rejected(let reason) = scratch.file.load() else { Issue.record("accepted"); return }
        #expect(reason.contains("owned by uid 65534"))
    }

    @Test func aDirectoryInItsPlaceIsRejected() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.file.path, withIntermediateDirectories: false)
        guard case .rejected(let reason) = scratch.file.load() else { Issue.record("accepted"); return }
        #expect(reason.contains("not a regular file"))
    }

    @Test func oldRecordsArePrunedBeyondTheLimit() throws {
        let scratch = try Scratch()
        for cookie in 1...(ElementRecordFile.keptRecords + 3) {
            var owner = Self.owner
            owner.namespaceCookie = UInt64(cookie)
            try ElementRecordFile(directory: scratch.directory, owner: owner).save(Self.record)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: scratch.path)
        #expect(names.count == ElementRecordFile.keptRecords)
        #expect(names.contains("elements-\(ElementRecordFile.keptRecords + 3)-spoofguard.record"))
    }
}
