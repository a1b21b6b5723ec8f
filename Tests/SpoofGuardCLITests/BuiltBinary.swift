import Foundation
import SpoofGuardLab
import SpoofGuardSystem

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

    /// Runs the binary in the package root (so relative paths such as `Examples/router.json`
    /// resolve) through `ChildProcess`: posix_spawn and wait4, output in files.
    static func run(_ arguments: [String], standardInput: String? = nil) throws -> Result {
        guard let path else {
            throw MissingBinary()
        }
        let child = try ChildProcess.run([path] + arguments, standardInput: standardInput.map { Array($0.utf8) },
                                         directory: packageRoot.path)
        return Result(status: child.status, standardOutput: child.standardOutput, standardError: child.standardError)
    }

    struct MissingBinary: Error, CustomStringConvertible {
        var description: String {
            "the spoofguard executable was not found next to the test bundle; run `swift build` first or set SPOOFGUARD_BINARY"
        }
    }
}
