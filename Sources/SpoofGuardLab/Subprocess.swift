import Foundation

/// Runs iproute2 (`ip`) — the lab's only external tool, used to create namespaces and links.
enum Subprocess {
    /// Runs `arguments` (searched on PATH and in /usr/sbin, /sbin); returns stdout, throws with
    /// stderr on a non-zero exit. With `input`, the argument `-` (read stdin) is replaced by a
    /// temporary file holding it: a stdin pipe could be inherited by a child spawned at the same
    /// moment on another thread, which would then hold it open and leave this child waiting for EOF.
    @discardableResult
    static func run(_ arguments: [String], input: String? = nil) throws(LabError) -> String {
        var arguments = arguments
        var inputFile: String?
        if let input, let dash = arguments.lastIndex(of: "-") {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("spoofguard-lab-\(UUID().uuidString)").path
            guard FileManager.default.createFile(atPath: path, contents: Data(input.utf8)) else {
                throw .unexpected("cannot write a temporary file at \(path)")
            }
            inputFile = path
            arguments[dash] = path
        }
        defer { if let inputFile { try? FileManager.default.removeItem(atPath: inputFile) } }
        let process = Process()
        guard let executable = locate(arguments[0]) else {
            throw .command(arguments: arguments, status: 127, output: "")
        }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(arguments.dropFirst())
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw .command(arguments: arguments, status: 126, output: "\(error)")
        }
        // Read both pipes before waiting, so a chatty child cannot block on a full pipe.
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .command(arguments: arguments, status: process.terminationStatus,
                           output: String(decoding: errors, as: UTF8.self))
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func locate(_ name: String) -> String? {
        if name.hasPrefix("/") { return name }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        return directories.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
