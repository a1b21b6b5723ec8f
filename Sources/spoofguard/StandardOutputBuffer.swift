#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SpoofGuard

/// Standard output through one buffer written with write(2): a million verdict lines printed
/// one `print` at a time would spend more time in stdio than in evaluation.
struct StandardOutputBuffer {
    private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 16) }

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func writeLine(_ text: String) { write(text + "\n") }

    /// Lets `body` append bytes in place, with no String in between (the dry-run listing).
    mutating func write(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes `bytes` at once, past any buffer (nothing may be buffered: order is kept by the caller).
    static func writeThrough(_ bytes: UnsafeRawBufferPointer) {
        writeToStandardOutput(bytes)
    }

    /// Writes everything buffered; pipes may take it in parts.
    mutating func flush() {
        buffer.withUnsafeBytes(writeToStandardOutput)
        buffer.removeAll(keepingCapacity: true)
    }
}

private func writeToStandardOutput(_ bytes: UnsafeRawBufferPointer) {
    Uninterrupted.writeAll(STDOUT_FILENO, bytes)
}
