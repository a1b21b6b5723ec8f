import Glibc

/// Runs iproute2 (`ip`) — the lab's only external tool, used to create namespaces and links —
/// through `ChildProcess`.
enum Subprocess {
    /// Runs `arguments` (searched on PATH and in /usr/sbin, /sbin); returns stdout, throws with
    /// stderr on a non-zero exit. With `input`, the argument `-` (read stdin) gets it on stdin.
    @discardableResult
    static func run(_ arguments: [String], input: String? = nil) throws(LabError) -> String {
        let child = try ChildProcess.run(arguments, standardInput: input.map { Array($0.utf8) })
        guard child.status == 0 else {
            throw .command(arguments: arguments, status: child.status, output: child.standardError)
        }
        return child.standardOutput
    }
}

/// A `mkdtemp` directory under $TMPDIR (or /tmp), removed with everything in it.
struct TemporaryDirectory {
    let path: String

    init() throws(LabError) {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array((base + "/spoofguard-lab-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw .system(call: "mkdtemp", errno: errno, context: "a temporary directory in \(base)")
        }
        path = String(cString: made)
    }

    func remove() {
        for name in ["input", "stdout", "stderr"] { unlink(path + "/" + name) }
        rmdir(path)
    }
}

/// Whole small files through open/read/write.
enum LabFile {
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func write(_ text: String, to path: String) -> Bool { write(Array(text.utf8), to: path) }

    static func write(_ contents: [UInt8], to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var bytes = contents[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            bytes = bytes.dropFirst(written)
        }
        return true
    }
}

