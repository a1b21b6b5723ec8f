import Glibc
import SpoofGuard
import Testing

/// The one EINTR-safe read/write helper: whole contents through a pipe, the limit, the errno.
struct UninterruptedTests {
    @Test func writesAllAndReadsToEndThroughAPipeLargerThanItsBuffer() throws {
        var ends: [Int32] = [-1, -1]
        try #require(pipe(&ends) == 0)
        // 1 MiB: far more than a pipe holds, so both sides take it in parts.
        let payload = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let writer = Thread { Uninterrupted.writeAll(ends[1], payload); close(ends[1]) }
        let read = Uninterrupted.readToEnd(ends[0])
        writer.join()
        close(ends[0])
        #expect(read.errno == nil)
        #expect(read.bytes == payload)
    }

    @Test func readToEndStopsOneByteAfterTheLimit() throws {
        let fd = open("/dev/zero", O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        #expect(Uninterrupted.readToEnd(fd, limit: 100_000).bytes.count == 100_001)
    }

    @Test func reportsTheErrnoOfAFailedCall() {
        #expect(Uninterrupted.readToEnd(-1).errno == EBADF)
        #expect(Uninterrupted.writeAll(-1, [1, 2, 3]) == EBADF)
        #expect(Uninterrupted.call { close(-1) } == -1 && errno == EBADF)
    }

    @Test func resumesACallInterruptedByASignal() throws {
        // SIGUSR1 with a handler and without SA_RESTART interrupts a blocked read (EINTR);
        // the helper must go on reading and return what arrives afterwards.
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        action.sa_flags = 0
        var previous = sigaction()
        try #require(sigaction(SIGUSR1, &action, &previous) == 0)
        defer { sigaction(SIGUSR1, &previous, nil) }
        var ends: [Int32] = [-1, -1]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let reader = pthread_self()
        let signaller = Thread {
            usleep(100_000)
            pthread_kill(reader, SIGUSR1)
            usleep(100_000)
            Uninterrupted.writeAll(ends[1], Array("after the signal".utf8))
            close(ends[1])
        }
        let read = Uninterrupted.readToEnd(ends[0])
        signaller.join()
        #expect(read.errno == nil)
        #expect(String(decoding: read.bytes, as: UTF8.self) == "after the signal")
    }
}

/// A joinable pthread for the tests (Foundation's Thread cannot be joined).
final class Thread: @unchecked Sendable {
    private var thread = pthread_t()
    private let body: () -> Void

    init(_ body: @escaping () -> Void) {
        self.body = body
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&thread, nil, { raw in
            Unmanaged<Thread>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, context)
    }

    func join() { pthread_join(thread, nil) }
}
