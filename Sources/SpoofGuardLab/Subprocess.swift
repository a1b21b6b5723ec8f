import Glibc

/// Runs iproute2 (`ip`) — the lab's only external tool, used to create namespaces and links.
/// `posix_spawn` with the child's standard streams opened on files in a private temporary
/// directory: the parent holds no pipe that a child spawned at the same moment on another
/// thread could inherit (and then keep open, leaving a reader waiting for EOF), and a chatty
/// child never blocks on a full pipe.
enum Subprocess {
    /// Runs `arguments` (searched on PATH and in /usr/sbin, /sbin); returns stdout, throws with
    /// stderr on a non-zero exit. With `input`, the argument `-` (read stdin) is replaced by a
    /// temporary file holding it.
    @discardableResult
    static func run(_ arguments: [String], input: String? = nil) throws(LabError) -> String {
        var arguments = arguments
        guard let executable = locate(arguments[0]) else {
            throw .command(arguments: arguments, status: 127, output: "")
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        if let input, let dash = arguments.lastIndex(of: "-") {
            let path = directory.path + "/input"
            guard LabFile.write(input, to: path) else { throw .unexpected("cannot write a temporary file at \(path)") }
            arguments[dash] = path
        }
        let outputPath = directory.path + "/stdout", errorPath = directory.path + "/stderr"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments.dropFirst()).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw .command(arguments: arguments, status: 126, output: String(cString: strerror(spawned)))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw .system(call: "waitpid", errno: errno, context: "`\(arguments[0])`") }
        }
        // Exit status, or 128 + the signal that ended it.
        let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exitStatus == 0 else {
            throw .command(arguments: arguments, status: exitStatus, output: LabFile.read(errorPath) ?? "")
        }
        return LabFile.read(outputPath) ?? ""
    }

    static func locate(_ name: String) -> String? {
        if name.hasPrefix("/") { return name }
        let path = getenv("PATH").map { String(cString: $0) } ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        return directories.map { $0 + "/" + name }.first { access($0, X_OK) == 0 }
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

    static func write(_ text: String, to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            bytes = bytes.dropFirst(written)
        }
        return true
    }
}

