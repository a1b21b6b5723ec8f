internal import CNetfilter
import Glibc

/// A network namespace given by name (`/run/netns/NAME`, as `ip netns add` creates) or path
/// (`/proc/PID/ns/net`). spoofguard never switches its own threads: work that must happen
/// inside the namespace (opening the netlink socket, listing interfaces) runs on a short-lived
/// thread that enters it, and a netlink socket stays bound to the namespace it was created in.
public struct NetworkNamespace: Sendable, Hashable, CustomStringConvertible {
    public var path: String

    public init(nameOrPath: String) {
        path = nameOrPath.contains("/") ? nameOrPath : "/run/netns/\(nameOrPath)"
    }

    public var description: String { path }

    /// Runs `body` on a fresh thread that has entered this namespace.
    func run<T>(_ body: @escaping () throws(NetlinkError) -> T) throws(NetlinkError) -> T {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw NetlinkError(errno: Glibc.errno, operation: "opening network namespace \(path)")
        }
        defer { close(fd) }
        return try onFreshThread { () throws(NetlinkError) -> T in
            guard spoofguard_enter_network_namespace(fd) == 0 else {
                throw NetlinkError(errno: Glibc.errno, operation: "entering network namespace \(path)", capability: "CAP_SYS_ADMIN")
            }
            return try body()
        }
    }
}

/// Runs `body` inside `namespace` (on a thread that entered it), or here when it is nil.
func run<T>(in namespace: NetworkNamespace?, _ body: @escaping () throws(NetlinkError) -> T) throws(NetlinkError) -> T {
    if let namespace { return try namespace.run(body) }
    return try body()
}

/// Runs `body` on a new thread and waits for it; the thread (and any namespace it entered) ends with it.
func onFreshThread<T>(_ body: @escaping () throws(NetlinkError) -> T) throws(NetlinkError) -> T {
    let work = ThreadWork(body)
    var thread = pthread_t()
    let context = Unmanaged<ThreadWorkBase>.passRetained(work).toOpaque()
    let status = pthread_create(&thread, nil, { raw in
        Unmanaged<ThreadWorkBase>.fromOpaque(raw!).takeRetainedValue().run()
        return nil
    }, context)
    guard status == 0 else {
        Unmanaged<ThreadWorkBase>.fromOpaque(context).release()
        throw NetlinkError(errno: status, operation: "starting a thread")
    }
    pthread_join(thread, nil)
    return try work.result!.get()
}

/// Non-generic base so that a C thread entry point can call the work.
private class ThreadWorkBase: @unchecked Sendable {
    func run() {}
}

private final class ThreadWork<T>: ThreadWorkBase, @unchecked Sendable {
    let body: () throws(NetlinkError) -> T
    var result: Result<T, NetlinkError>?
    init(_ body: @escaping () throws(NetlinkError) -> T) { self.body = body }
    override func run() {
        do { result = .success(try body()) } catch { result = .failure(error) }
    }
}

/// Interface names that exist now in the namespace (or the current one).
public func currentInterfaceNames(in namespace: NetworkNamespace?) throws(NetlinkError) -> [String] {
    let list = { () throws(NetlinkError) -> [String] in
        guard let first = if_nameindex() else {
            throw NetlinkError(errno: Glibc.errno, operation: "listing network interfaces")
        }
        defer { if_freenameindex(first) }
        var names: [String] = []
        var entry = first
        while entry.pointee.if_index != 0, let name = entry.pointee.if_name {
            names.append(String(cString: name))
            entry += 1
        }
        return names.sorted()
    }
    if let namespace { return try namespace.run(list) }
    return try list()
}

