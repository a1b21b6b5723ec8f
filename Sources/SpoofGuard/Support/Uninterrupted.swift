#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// System calls that a signal may interrupt (EINTR), resumed until they finish: the one place
/// that loops on EINTR, for every target. Results and errno are the call's own.
public enum Uninterrupted {
    /// Runs `call` again while it returns -1 with errno EINTR; returns its last result, with
    /// errno as that call left it.
    @inlinable
    public static func call<Result: BinaryInteger>(_ call: () -> Result) -> Result {
        while true {
            let result = call()
            if result == -1 && errno == EINTR { continue }
            return result
        }
    }

    /// read(2) into `buffer`: the byte count (0 at end of file), or -1 with errno set.
    public static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        call { systemRead(descriptor, buffer.baseAddress, buffer.count) }
    }

    /// Reads until end of file, or until more than `limit` bytes have arrived (then exactly
    /// `limit + 1` are returned, so that a caller can refuse an oversized input without
    /// reading all of it). `errno` is the error that stopped it early, with what came before.
    public static func readToEnd(_ descriptor: Int32, limit: Int = Int.max - 1) -> (bytes: [UInt8], errno: Int32?) {
        var bytes: [UInt8] = []
        let chunkSize = 64 * 1024
        let failure = withUnsafeTemporaryAllocation(byteCount: chunkSize, alignment: 1) { chunk -> Int32? in
            while bytes.count <= limit {
                let wanted = min(chunkSize, limit + 1 - bytes.count)
                let count = read(descriptor, into: UnsafeMutableRawBufferPointer(rebasing: chunk[..<wanted]))
                if count < 0 { return errno }
                if count == 0 { break }
                bytes.append(contentsOf: chunk[..<count])
            }
            return nil
        }
        return (bytes, failure)
    }

    /// Writes every byte of `bytes` (a pipe or socket may take them in parts); nil, or the
    /// errno that stopped it (EIO for a write that took nothing).
    @discardableResult
    public static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let written = call { systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset) }
            guard written > 0 else { return written < 0 ? errno : EIO }
            offset += written
        }
        return nil
    }

    @discardableResult
    public static func writeAll(_ descriptor: Int32, _ bytes: some Collection<UInt8>) -> Int32? {
        Array(bytes).withUnsafeBytes { writeAll(descriptor, $0) }
    }
}

// The C calls, named apart from the methods above that shadow them inside the enum.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int { write(fd, buffer, count) }
