import Foundation

/// Runs the `spoofguard` executable that `swift build` put next to this test bundle.
enum BuiltBinary {
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// `SPOOFGUARD_BINARY` overrides; otherwise the products directory of the running test
    /// bundle (`.build/<triple>/debug/`), where `swift build` puts the executable too.
    static let path: String? = {
        if let path = ProcessInfo.processInfo.environment["SPOOFGUARD_BINARY"] { return path }
        var candidates: [URL] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: executable).deletingLastPathComponent())
        }
        if let bundle = Bundle.main.executableURL { candidates.append(bundle.deletingLastPathComponent()) }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        // On macOS the runner sits inside the .xctest bundle: climb out of it.
        candidates += candidates.map { $0.deletingLastPathComponent().deletingLastPathComponent() }
        return candidates.map { $0.appendingPathComponent("spoofguard").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ arguments: [String], standardInput: String? = nil) throws -> Result {
        guard let path else {
            throw MissingBinary()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        // Output goes to files, not pipes: nothing can block however much the child writes.
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("spoofguard-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputURL = directory.appendingPathComponent("stdout"), errorURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputURL), errors = try FileHandle(forWritingTo: errorURL)
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = standardInput == nil ? FileHandle.nullDevice : input
        try process.run()
        if let standardInput {
            input.fileHandleForWriting.write(Data(standardInput.utf8))
            try input.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        try output.close()
        try errors.close()
        return Result(status: process.terminationStatus,
                      standardOutput: String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
                      standardError: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self))
    }

    struct MissingBinary: Error, CustomStringConvertible {
        var description: String {
            "the spoofguard executable was not found next to the test bundle; run `swift build` first or set SPOOFGUARD_BINARY"
        }
    }
}
