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
        let source = path == "-" ? "<stdin>" : path
        let bytes = try readInput(path, source: source)
        return try decode(bytes, source: source)
    }

    /// Reads at most `maximumSize + 1` bytes so that an oversized input is detected without
    /// reading all of it.
    static func readInput(_ path: String, source: String) throws(PolicyError) -> [UInt8] {
        let descriptor: Int32
        if path == "-" {
            descriptor = STDIN_FILENO
        } else {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw unreadable(source, errno: errno, action: "cannot open") }
        }
        defer { if path != "-" { close(descriptor) } }

        var bytes: [UInt8] = []
        let chunkSize = 64 * 1024
        while bytes.count <= maximumSize {
            let oldCount = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: chunkSize))
            let count = bytes.withUnsafeMutableBufferPointer { buffer in
                read(descriptor, buffer.baseAddress! + oldCount, chunkSize)
            }
            if count < 0 {
                let error = errno
                bytes.removeLast(chunkSize)
                if error == EINTR { continue }
                throw unreadable(source, errno: error, action: "cannot read")
            }
            bytes.removeLast(chunkSize - count)
            if count == 0 { return bytes }
        }
        throw PolicyError(source: source, kind: .tooLarge, problems: [PolicyProblem(
            path: "$", message: "is larger than \(maximumSize >> 20) MiB; a policy is a small JSON object (is this the right file?)")])
    }

    private static func unreadable(_ source: String, errno code: Int32, action: String) -> PolicyError {
        let reason = strerror(code).map { String(cString: $0) } ?? "error \(code)"
        return PolicyError(source: source, kind: .unreadable,
                           problems: [PolicyProblem(path: "", message: "\(action): \(reason)")])
    }
}
