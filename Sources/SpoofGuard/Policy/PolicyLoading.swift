#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Policy {
    /// Inputs larger than this are refused before parsing: real policies are a few hundred
    /// bytes, and a bound keeps a runaway file (or `/dev/zero`) from exhausting memory.
    public static let maximumSize = 16 << 20

    /// Reads and decodes a policy file; `-` reads standard input.
    /// Throws a `PolicyError` with exit code 66 when the file cannot be read, 65 when it is invalid.
    public static func load(from path: String) throws(PolicyError) -> Policy {
        try decode(try read(from: path), source: source(of: path))
    }

    /// The bytes `load(from:)` decodes, read the same way (same size limit, same errors): what
    /// the element record's policy proof hashes before deciding whether to decode at all.
    public static func read(from path: String) throws(PolicyError) -> [UInt8] {
        if path == "-" { return try readAll(STDIN_FILENO, source: source(of: path)) }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw unreadable(path, errno: errno, action: "cannot open") }
        defer { close(descriptor) }
        return try readAll(descriptor, source: path)
    }

    /// How messages name the policy at `path`.
    public static func source(of path: String) -> String { path == "-" ? "<stdin>" : path }

    /// Reads a policy from an open descriptor (standard input, a pipe) without closing it.
    static func load(descriptor: Int32, source: String) throws(PolicyError) -> Policy {
        try decode(try readAll(descriptor, source: source), source: source)
    }

    /// Reads at most `maximumSize + 1` bytes so that an oversized input is detected without
    /// reading all of it.
    static func readAll(_ descriptor: Int32, source: String) throws(PolicyError) -> [UInt8] {
        let read = Uninterrupted.readToEnd(descriptor, limit: maximumSize)
        if let code = read.errno { throw unreadable(source, errno: code, action: "cannot read") }
        if read.bytes.count <= maximumSize { return read.bytes }
        throw PolicyError(source: source, kind: .tooLarge, problems: [PolicyProblem(
            path: "$", message: "is larger than \(maximumSize >> 20) MiB; a policy is a small JSON object (is this the right file?)")])
    }

    private static func unreadable(_ source: String, errno code: Int32, action: String) -> PolicyError {
        let reason = strerror(code).map { String(cString: $0) } ?? "error \(code)"
        return PolicyError(source: source, kind: .unreadable,
                           problems: [PolicyProblem(path: "", message: "\(action): \(reason)")])
    }
}
