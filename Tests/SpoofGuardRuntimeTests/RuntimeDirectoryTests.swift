import Foundation
@testable import SpoofGuardRuntime
import Testing

/// The runtime directory's checks and its file operations, in private temporary directories.
struct RuntimeDirectoryTests {
    final class Scratch {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sg-runtime-\(UUID().uuidString)").path
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700]) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    @Test func createsAMissingDirectoryPrivateAndOpensNothingWhenNotToCreate() throws {
        let scratch = try Scratch()
        #expect(try RuntimeDirectory.open(scratch.path + "/absent", create: false) == nil)
        let created = try #require(try RuntimeDirectory.open(scratch.path + "/run", create: true))
        let attributes = try FileManager.default.attributesOfItem(atPath: created.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
    }

    @Test func refusesASymlinkAndAWritableDirectory() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.path + "/real", withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/link", withDestinationPath: scratch.path + "/real")
        #expect(throws: RuntimeError.self) { try RuntimeDirectory.open(scratch.path + "/link", create: true) }
        do {
            _ = try RuntimeDirectory.open(scratch.path + "/link", create: false)
        } catch {
            #expect(error.kind == .unsafe)
            #expect(error.message.contains("symbolic link"))
        }
        chmod(scratch.path + "/real", 0o770)
        do {
            _ = try RuntimeDirectory.open(scratch.path + "/real", create: false)
            Issue.record("a group-writable directory was accepted")
        } catch {
            #expect(error.message.contains("writable by group or others (mode 770)"))
        }
    }

    /// A failed call keeps its typed errno, and the errno decides the kind (and so the exit
    /// code): EACCES/EPERM permission, ELOOP unsafe, anything else a system failure.
    @Test func aFailedCallIsJudgedByItsErrno() throws {
        let scratch = try Scratch()
        let file = scratch.path + "/file"
        try Data().write(to: URL(fileURLWithPath: file))
        do {
            _ = try RuntimeDirectory.open(file + "/run", create: true)
            Issue.record("a directory under a regular file was created")
        } catch {
            #expect(error.kind == .system && error.errno == .notDirectory)
            #expect(error.message == "creating runtime directory \(file)/run: Not a directory")
        }
        let denied = RuntimeError.call("opening lock file", "/run/x", .permissionDenied)
        #expect(denied.kind == .permissionDenied && denied.errno == .permissionDenied)
        #expect(denied.message.hasPrefix("opening lock file /run/x: Permission denied"))
        #expect(RuntimeError.call("fstat", "/run/x", .notPermitted).kind == .permissionDenied)
        let link = RuntimeError.call("opening lock file", "/run/x", .tooManySymbolicLinkLevels)
        #expect(link.kind == .unsafe && link.message == "/run/x is a symbolic link; spoofguard never follows one in its runtime directory: remove it")
    }

    @Test func atomicWritesReplaceASymlinkInsteadOfFollowingIt() throws {
        let scratch = try Scratch()
        let victim = scratch.path + "/victim"
        try Data("precious".utf8).write(to: URL(fileURLWithPath: victim))
        let directory = try #require(try RuntimeDirectory.open(scratch.path + "/run", create: true))
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/state.json", withDestinationPath: victim)
        #expect(directory.read("state.json", limit: 1 << 20) == nil)
        try directory.writeAtomically("state.json", Array("new".utf8))
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
        #expect(directory.read("state.json", limit: 1 << 20) == Array("new".utf8))
        #expect(directory.read("state.json", limit: 2) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["state.json"])
        // A symlinked lock is refused, not created through.
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/held.lock", withDestinationPath: scratch.path + "/created-through")
        #expect(throws: RuntimeError.self) { try directory.openLock("held.lock", create: true) }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/created-through"))
    }

    /// Both reads share one opening; each keeps its own rules. On what a forger could plant:
    /// `read` (the pending revert) refuses a symlink, anything but a regular file and more than
    /// `limit` bytes; `readPrivate` (the element record) refuses the same with a reason naming
    /// the file, and also another owner and any permission for group or others.
    @Test func eachReadRefusesWhatItsRulesRefuseAndSaysWhy() throws {
        let scratch = try Scratch()
        let directory = try #require(try RuntimeDirectory.open(scratch.path + "/run", create: true))
        let full = directory.path + "/"
        func plant(_ name: String, mode: Int) {
            #expect(FileManager.default.createFile(atPath: full + name, contents: Data("abc".utf8), attributes: [.posixPermissions: mode]))
        }
        func privately(_ name: String, limit: Int = 16) -> String {
            switch directory.readPrivate(name, limit: limit) {
            case .absent: "absent"
            case .untrusted(let reason): reason
            case .contents(let bytes): String(decoding: bytes, as: UTF8.self)
            }
        }
        plant("good", mode: 0o600)
        plant("wide", mode: 0o644)
        try FileManager.default.createSymbolicLink(atPath: full + "link", withDestinationPath: full + "good")
        #expect(mkfifo(full + "fifo", 0o600) == 0)
        try FileManager.default.createDirectory(atPath: full + "directory", withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let tooLong = String(repeating: "x", count: Int(NAME_MAX) + 1)

        #expect(directory.read("good", limit: 16) == Array("abc".utf8))
        #expect(directory.read("good", limit: 3) == Array("abc".utf8))
        #expect(directory.read("good", limit: 2) == nil)
        #expect(directory.read("wide", limit: 16) == Array("abc".utf8), "the pending revert's read does not judge the mode")
        for refused in ["absent", "link", "fifo", "directory", tooLong] {
            #expect(directory.read(refused, limit: 16) == nil, "\(refused)")
        }

        #expect(privately("good") == "abc")
        #expect(privately("good", limit: 3) == "abc")
        #expect(privately("good", limit: 2) == full + "good is larger than 2 bytes")
        #expect(privately("absent") == "absent")
        #expect(privately("link") == full + "link is a symbolic link")
        #expect(privately("fifo") == full + "fifo is not a regular file")
        #expect(privately("directory") == full + "directory is not a regular file")
        #expect(privately("wide") == full + "wide has mode 644, not 0600")
        #expect(privately(tooLong) == full + tooLong + ": File name too long")
        if geteuid() == 0 {
            plant("foreign", mode: 0o600)
            #expect(chown(full + "foreign", 65534, 65534) == 0)
            #expect(privately("foreign") == full + "foreign is owned by uid 65534, not root")
            #expect(directory.read("foreign", limit: 16) == Array("abc".utf8), "the pending revert's read does not judge the owner")
        }
    }

    @Test func aLockIsHeldUntilItsHolderGoesAndIsThenAbandoned() throws {
        let scratch = try Scratch()
        let directory = try #require(try RuntimeDirectory.open(scratch.path + "/run", create: true))
        var holder: FileLock? = try directory.createHeldLock("lab.lock")
        #expect(holder != nil)
        #expect(try directory.takeAbandonedLock("lab.lock") == nil)
        let other = try #require(try directory.openLock("lab.lock", create: false))
        #expect(try other.tryLock() == false)
        holder = nil
        let taken = try #require(try directory.takeAbandonedLock("lab.lock"))
        #expect(directory.remove("lab.lock"))
        #expect(try directory.takeAbandonedLock("lab.lock") == nil)
        withExtendedLifetime(taken) {}
    }

    @Test func startTimeIsReadPastACommandNameWithParenthesesAndSpaces() {
        let line = "4242 (evil) 1 2 3) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 200"
        #expect(ProcessIdentity.startTime(fromStat: line) == 987654)
        #expect(ProcessIdentity.current()?.isRunning == true)
        #expect(ProcessIdentity.of(pid: Int32.max) == nil)
    }

    @Test func tableNamesBecomeFileNamesOneToOne() {
        #expect(PendingRevert.fileNamePart("spoofguard") == "spoofguard")
        #expect(PendingRevert.fileNamePart("a.b") == "a%2Eb")
        #expect(PendingRevert.fileNamePart("a_b") != PendingRevert.fileNamePart("a.b"))
        #expect(PendingRevert.fileNamePart("../x\n") == "%2E%2E%2Fx%0A")
    }

    @Test func aRecordWhoseProcessHoldsNoLockIsStale() throws {
        let scratch = try Scratch()
        let directory = try #require(try RuntimeDirectory.open(scratch.path + "/run", create: true))
        let state = PendingRevert(directory: directory, namespace: FileIdentity(device: 1, inode: 2), table: "spoofguard")
        let me = try #require(ProcessIdentity.current())
        try state.write(.init(process: me, table: "spoofguard", netns: nil, namespace: state.namespace, deadline: "", previous: ""))
        // The record names this (running) process, but nobody holds the lock: stale, and this
        // process is not signalled (the test would end if it were).
        guard case .stale(let record) = try state.confirm() else { Issue.record("not stale"); return }
        #expect(record?.process == me)
        guard case .nothingPending = try state.confirm() else { Issue.record("still pending"); return }
    }
}
