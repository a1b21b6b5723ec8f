import Foundation
import Testing
@testable import SpoofGuard

@Suite("Policy.load: files, errors, size limit")
struct PolicyLoadingTests {
    func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("spoofguard-policy-\(UUID().uuidString).json").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    func loadError(_ path: String) -> PolicyError? {
        do {
            _ = try Policy.load(from: path)
            return nil
        } catch {
            return error
        }
    }

    @Test func examplesLoad() throws {
        for name in ["router", "host-default", "bridge", "ingress", "strict"] {
            let path = packageRoot.appendingPathComponent("Examples/\(name).json").path
            #expect(loadError(path) == nil, "\(name).json")
        }
        let router = try Policy.load(from: packageRoot.appendingPathComponent("Examples/router.json").path)
        #expect(router.action.log != nil)
    }

    @Test func missingFileIsUnreadable() throws {
        let error = try #require(loadError("/nonexistent/policy.json"))
        #expect(error.exitCode == 66)
        #expect(error.kind == .unreadable)
        #expect(error.description == "/nonexistent/policy.json: cannot open: No such file or directory")
    }

    @Test func directoryIsUnreadable() throws {
        let error = try #require(loadError(FileManager.default.temporaryDirectory.path))
        #expect(error.exitCode == 66)
        #expect(error.description.hasSuffix("cannot read: Is a directory"))
    }

    @Test func invalidFileNamesTheFile() throws {
        let path = try temporaryFile(Array(#"{"version": 1, "hooks": ["output"]}"#.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(loadError(path))
        #expect(error.exitCode == 65)
        #expect(error.description == #"\#(path): $.hooks[0]: "output" is not a hook; the hooks are "prerouting", "ingress", "bridge""#)
    }

    @Test func oversizedInputIsRefusedWithoutReadingItAll() throws {
        // Valid JSON just over the limit: whitespace after the object.
        var bytes = Array(#"{"version": 1}"#.utf8)
        bytes += [UInt8](repeating: 0x20, count: Policy.maximumSize - bytes.count + 1)
        let path = try temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(loadError(path))
        #expect(error.exitCode == 65)
        #expect(error.kind == .tooLarge)
        #expect(error.description == "\(path): $: is larger than 16 MiB; a policy is a small JSON object (is this the right file?)")
        #expect((try? Policy.decode(bytes, source: "x"))  == nil)
    }

    @Test func inputAtTheLimitIsRead() throws {
        var bytes = Array(#"{"version": 1}"#.utf8)
        bytes += [UInt8](repeating: 0x0A, count: Policy.maximumSize - bytes.count)
        let path = try temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(loadError(path) == nil)
    }

    /// The standard-input path, over a pipe of our own (the test runner's stdin is left alone).
    func loadThroughPipe(_ text: String) throws -> Result<Policy, PolicyError> {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data(text.utf8))
        try pipe.fileHandleForWriting.close()
        defer { try? pipe.fileHandleForReading.close() }
        return Result { () throws(PolicyError) in
            try Policy.load(descriptor: pipe.fileHandleForReading.fileDescriptor, source: "<stdin>")
        }
    }

    @Test func standardInputPath() throws {
        let policy = try loadThroughPipe(#"{"version": 1, "external": ["eth0"]}"#).get()
        #expect(policy.external == .listed([try InterfacePattern(parsing: "eth0")]))
        let error = try #require(try loadThroughPipe(#"{"version": 1, "hook": []}"#).failure)
        #expect(error.description == #"<stdin>: $.hook: unknown key; did you mean "hooks"?"#)
        let empty = try #require(try loadThroughPipe("").failure)
        #expect(empty.description == #"<stdin>:1:1: the document is empty; a policy is a JSON object such as {"version": 1}"#)
    }

    @Test func endlessDeviceIsCutOff() throws {
        let error = try #require(loadError("/dev/zero"))
        #expect(error.kind == .tooLarge)
    }
}
