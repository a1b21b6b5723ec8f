import CSpoofGuardLab
import Glibc

/// Runs a closure on a dedicated thread that has entered a network namespace.
///
/// `setns` switches only the calling thread, and sockets stay in the namespace they were created
/// in; so sockets and namespace-relative files (/proc/thread-self/net/…, /proc/sys/net/…) are
/// opened on a short-lived thread and then used from anywhere. The caller's thread — and the
/// process's main thread — never changes namespace.
enum NamespaceThread {
    static func run<T>(in namespacePath: String, _ body: () throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { body in
            let job = Job(path: namespacePath, body: body)
            let unmanaged = Unmanaged.passRetained(job)
            var thread = pthread_t()
            let created = pthread_create(&thread, nil, { context in
                let job = Unmanaged<AnyObject>.fromOpaque(context!).takeRetainedValue() as! JobRunner
                job.runInNamespace()
                return nil
            }, unmanaged.toOpaque())
            guard created == 0 else {
                unmanaged.release()
                throw LabError.system(call: "pthread_create", errno: created, context: namespacePath)
            }
            pthread_join(thread, nil)
            return try job.result!.get()
        }
    }

    private protocol JobRunner: AnyObject { func runInNamespace() }

    private final class Job<T>: JobRunner {
        let path: String
        let body: () throws -> T
        var result: Result<T, any Error>?

        init(path: String, body: @escaping () throws -> T) {
            self.path = path
            self.body = body
        }

        func runInNamespace() {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                result = .failure(LabError.system(call: "open", errno: errno, context: path))
                return
            }
            defer { close(fd) }
            let entered = sg_lab_enter_network_namespace(fd)
            guard entered == 0 else {
                result = .failure(-entered == EPERM
                    ? LabError.permissionDenied("setns into \(path)")
                    : LabError.system(call: "setns", errno: -entered, context: path))
                return
            }
            result = Result { try body() }
        }
    }
}
