import Glibc
import SystemPackage

/// A closure running on a thread of its own from the moment this is made; `join()` waits for
/// it and returns what it returned. The thread is always joined: by `join()`, or when this is
/// released unjoined, so nothing it uses is freed under it.
public final class StartedThread<R>: @unchecked Sendable {
    private let job: Job<R>
    private let thread: pthread_t
    private var joined = false

    /// Starts `work` now; throws `pthread_create`'s error.
    public init(_ work: @escaping () -> R) throws(Errno) {
        job = Job(work)
        let context = Unmanaged<JobBase>.passRetained(job).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { raw in
            Unmanaged<JobBase>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<JobBase>.fromOpaque(context).release()
            throw Errno(rawValue: created)
        }
        self.thread = thread
    }

    /// Waits for the thread (the first call only) and returns its result.
    public func join() -> R {
        waitForThread()
        return job.result!
    }

    deinit { waitForThread() }

    private func waitForThread() {
        guard !joined else { return }
        pthread_join(thread, nil)
        joined = true
    }
}

/// Non-generic base, so that a C thread entry point can call the work. The thread that runs it
/// is joined before the result is read, so no two threads touch it at once.
private class JobBase: @unchecked Sendable {
    func run() {}
}

private final class Job<R>: JobBase, @unchecked Sendable {
    let work: () -> R
    var result: R?
    init(_ work: @escaping () -> R) { self.work = work }
    override func run() { result = work() }
}
