import Foundation

/// Runs iproute2 (`ip`) — the lab's only external tool, used to create namespaces and links.
enum Subprocess {
    /// Runs `arguments` (searched on PATH and in /usr/sbin, /sbin), feeding `input` on stdin;
    /// returns stdout, throws with stderr on a non-zero exit.
    @discardableResult
    static func run(_ arguments: [String], input: String? = nil) throws(LabError) -> String {
        let process = Process()
        guard let executable = locate(arguments[0]) else {
            throw .command(arguments: arguments, status: 127, output: "")
        }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(arguments.dropFirst())
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        do { try process.run() } catch {
            throw .command(arguments: arguments, status: 126, output: "\(error)")
        }
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
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
