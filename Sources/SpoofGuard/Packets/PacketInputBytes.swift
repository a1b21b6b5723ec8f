#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The whole input as one stable byte range: a regular file is mapped (no copy, and the
/// page cache rather than the heap holds a large capture); a pipe, device or stdin is read in
/// full, up to a limit, so that /dev/zero or an endless pipe ends with an error, not the heap.
/// Parsers index into `bytes`; nothing is sliced or copied per packet.
final class PacketInputBytes: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    private let release: Release

    private enum Release {
        case deallocate
        case unmap
        /// A reservation larger than the bytes in it: unmapped whole.
        case unmapReserved(length: Int)
        case nothing
    }

    /// Bytes read between releases of the pages behind (`reading(at:)`).
    static let releaseWindow = 4 << 20
    /// How far `releasePages(before:)` has released.
    private var released = 0
    /// Where `reading(at:)` releases next: never for bytes that are not a mapped file.
    private lazy var nextRelease: Int = {
        if case .unmap = release { Self.releaseWindow } else { Int.max }
    }()

    /// Says that reading front to back has reached `offset`: every `releaseWindow` bytes the
    /// pages behind are released (`releasePages(before:)`), so memory stays flat.
    @inline(__always)
    func reading(at offset: Int) {
        if offset >= nextRelease { releasePages(before: offset) }
    }

    /// Drops the pages of a mapped file before `offset` from this process's memory: they stay
    /// in the page cache and read back unchanged if touched again, so a capture read front to
    /// back costs a window of it rather than its size. Only for mapped files; read or copied
    /// bytes exist nowhere else.
    func releasePages(before offset: Int) {
        guard case .unmap = release, let base = bytes.baseAddress else { return }
        let end = min(offset, bytes.count) & ~(Int(sysconf(Int32(_SC_PAGESIZE))) - 1)
        guard end > released else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + released), end - released, MADV_DONTNEED)
        released = end
        nextRelease = end + Self.releaseWindow
    }

    private init(bytes: UnsafeRawBufferPointer, release: Release) {
        self.bytes = bytes
        self.release = release
    }

    /// A private copy, so that the caller's buffer may change or go away.
    convenience init(copying source: UnsafeRawBufferPointer) {
        guard source.count > 0 else {
            self.init(bytes: UnsafeRawBufferPointer(start: nil, count: 0), release: .nothing)
            return
        }
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: source.count, alignment: 16)
        copy.copyMemory(from: source)
        self.init(bytes: UnsafeRawBufferPointer(copy), release: .deallocate)
    }

    deinit {
        switch release {
        case .unmapReserved(let length): _ = munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), length)
        case .deallocate: bytes.deallocate()
        case .unmap: _ = munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
        case .nothing: break
        }
    }

    /// Opens `path` (`-` is standard input) and takes all of its bytes.
    static func contents(of path: String, displayName: String, streamLimit: Int) throws(PacketInputError) -> PacketInputBytes {
        if path == "-" { return try readAll(descriptor: 0, displayName: displayName, limit: streamLimit) }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw openError(displayName, errno) }
        defer { _ = close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw openError(displayName, errno) }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw PacketInputError(kind: .cannotOpen, file: displayName, reason: "is a directory",
                                   fix: "pass a JSON, JSON lines, pcap or pcapng file")
        }
        // Regular files with a size are mapped; /proc-like files report size 0 and are read.
        if (status.st_mode & S_IFMT) == S_IFREG, status.st_size > 0, let size = Int(exactly: status.st_size) {
            let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
            if let address, address != MAP_FAILED {
                _ = madvise(address, size, MADV_SEQUENTIAL)
                return PacketInputBytes(bytes: UnsafeRawBufferPointer(start: address, count: size), release: .unmap)
            }
        }
        return try readAll(descriptor: descriptor, displayName: displayName, limit: streamLimit)
    }

    /// Reads until end of file, at most `limit` bytes: one more is an error. The bytes go into
    /// one anonymous mapping of `limit + 1` bytes reserved up front (MAP_NORESERVE): pages cost
    /// memory only once read into, nothing is ever copied to grow, and no allocator (nor a
    /// sanitizer's quarantine) holds earlier, smaller buffers — the peak is the bytes read.
    private static func readAll(descriptor: Int32, displayName: String, limit: Int) throws(PacketInputError) -> PacketInputBytes {
        let capacity = limit + 1
        let mapping = mmap(nil, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let mapping, mapping != MAP_FAILED else { throw openError(displayName, errno) }
        var used = 0
        while used < capacity {
            let count = Uninterrupted.read(descriptor, into: UnsafeMutableRawBufferPointer(start: mapping + used, count: capacity - used))
            if count == 0 { break }
            if count < 0 {
                let code = errno
                munmap(mapping, capacity)
                throw openError(displayName, code)
            }
            used += count
        }
        guard used <= limit else {
            munmap(mapping, capacity)
            throw PacketInputError(file: displayName, location: .init(byteOffset: limit),
                                   reason: "is a stream (standard input, a pipe or a device) longer than the \(limit.byteCountText) read limit for streamed packets",
                                   fix: "raise the limit with --max-stream-mib, or save the packets to a regular file, which is mapped and has no limit")
        }
        return PacketInputBytes(bytes: UnsafeRawBufferPointer(start: mapping, count: used), release: .unmapReserved(length: capacity))
    }

    private static func openError(_ displayName: String, _ code: Int32) -> PacketInputError {
        let message = String(cString: strerror(code))
        let fix: String? = switch code {
        case ENOENT: "check the path"
        case EACCES: "check the file's permissions"
        default: nil
        }
        return PacketInputError(kind: .cannotOpen, file: displayName, reason: "cannot be read: \(message)", fix: fix)
    }
}

extension Int {
    /// "64 MiB", or bytes when not a whole number of MiB.
    var byteCountText: String { self % (1 << 20) == 0 ? "\(self >> 20) MiB" : "\(self) bytes" }
}

/// Reads fixed-width integers from captured bytes. Parsers check lengths before reading and
/// turn short data into record errors; the preconditions here only catch parser bugs (a
/// crash is better than reading past the buffer).
struct ByteReader {
    let bytes: UnsafeRawBufferPointer

    var count: Int { bytes.count }

    @inline(__always)
    func u8(_ offset: Int) -> UInt8 {
        precondition(offset >= 0 && offset < bytes.count, "read past the packet buffer")
        return bytes[offset]
    }

    @inline(__always)
    func u16(_ offset: Int, bigEndian: Bool = true) -> UInt16 {
        precondition(offset >= 0 && offset <= bytes.count - 2, "read past the packet buffer")
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
        return bigEndian ? UInt16(bigEndian: raw) : UInt16(littleEndian: raw)
    }

    @inline(__always)
    func u32(_ offset: Int, bigEndian: Bool = true) -> UInt32 {
        precondition(offset >= 0 && offset <= bytes.count - 4, "read past the packet buffer")
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)
    }

    @inline(__always)
    func u64(_ offset: Int, bigEndian: Bool = true) -> UInt64 {
        precondition(offset >= 0 && offset <= bytes.count - 8, "read past the packet buffer")
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        return bigEndian ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw)
    }

    /// Whether `length` bytes from `offset` lie inside the buffer (no overflow for any input).
    @inline(__always)
    func has(_ length: Int, at offset: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= bytes.count && length <= bytes.count - offset
    }


    /// A field of the header that starts at `start`, by its place in the protocol table.
    @inline(__always)
    func u8(_ start: Int, _ field: HeaderField) -> UInt8 { u8(start + Int(field.offset)) }

    @inline(__always)
    func u16(_ start: Int, _ field: HeaderField) -> UInt16 { u16(start + Int(field.offset)) }

    @inline(__always)
    func u32(_ start: Int, _ field: HeaderField) -> UInt32 { u32(start + Int(field.offset)) }
}
