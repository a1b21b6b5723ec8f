import Glibc
import SpoofGuardSystem
import Testing

struct StartedThreadTests {
    /// The work runs on another thread while the caller goes on, and `join` hands back its result.
    @Test func runsAlongsideTheCallerAndJoinReturnsTheResult() throws {
        let caller = pthread_self()
        var gate: [Int32] = [0, 0]
        #expect(pipe(&gate) == 0)
        defer { close(gate[0]); close(gate[1]) }
        let reader = gate[0]
        let thread = try StartedThread { () -> (pthread_t, UInt8) in
            var byte: UInt8 = 0
            _ = read(reader, &byte, 1)   // waits until the caller, still running, writes
            return (pthread_self(), byte)
        }
        var byte: UInt8 = 42
        #expect(write(gate[1], &byte, 1) == 1)
        let (worker, received) = thread.join()
        #expect(pthread_equal(worker, caller) == 0 && received == 42)
        #expect(thread.join().1 == 42)   // a second join returns the same result
    }

    /// Released without `join`, it still waits for the thread before freeing what the work uses.
    @Test func releasingWithoutJoiningWaitsForTheThread() throws {
        final class Flag: @unchecked Sendable { var done = false }
        let flag = Flag()
        do {
            _ = try StartedThread {
                usleep(20_000)
                flag.done = true
            }
        }
        #expect(flag.done)
    }
}
