import Foundation

/// The kernel's own time to commit spoofguard's transaction: the longest `sendto` of an
/// `apply` traced by `strace -T` (the batch goes to the kernel in one `sendto`, which returns
/// when nf_tables has processed and committed it; everything else an apply does is
/// microseconds). No tool can apply the same ruleset faster than this, so it is the floor
/// the apply target is measured against.
enum KernelCommitFloor {
    /// Whether strace is there to measure with.
    static var isAvailable: Bool { (try? Measure.run(["strace", "-V"]))?.status == 0 }

    /// Applies `policy` into `namespace` under strace and returns the longest `sendto`, in seconds.
    static func measure(_ context: BenchContext, policy: String, namespace: String) throws -> Double {
        let trace = context.path("commit-floor-\(namespace).strace")
        defer { try? FileManager.default.removeItem(atPath: trace) }
        // LeakSanitizer cannot run under ptrace and fails the traced process at exit: an
        // AddressSanitizer build (the test suite's bench smoke test) is traced with it off.
        try Measure.succeed(["strace", "-f", "-T", "-e", "trace=sendto,sendmsg", "-o", trace,
                             "-E", "ASAN_OPTIONS=detect_leaks=0",
                             context.spoofguard, "apply", policy, "--netns", namespace])
        let seconds = try longestCall(in: String(contentsOfFile: trace, encoding: .utf8))
        guard let seconds else { throw BenchmarkFailure("no sendto in the trace of `spoofguard apply` (\(trace))") }
        return seconds
    }

    /// The largest `<seconds>` suffix of the sendto/sendmsg lines of an `strace -T` trace.
    static func longestCall(in trace: String) -> Double? {
        var longest: Double?
        for line in trace.split(separator: "\n") where line.contains("sendto(") || line.contains("sendmsg(") {
            guard line.hasSuffix(">"), let open = line.lastIndex(of: "<"),
                  let seconds = Double(line[line.index(after: open)..<line.index(before: line.endIndex)]) else { continue }
            longest = max(longest ?? seconds, seconds)
        }
        return longest
    }
}
