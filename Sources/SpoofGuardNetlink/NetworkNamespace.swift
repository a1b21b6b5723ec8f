import Glibc
import SpoofGuardSystem

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
    func run<T>(_ body: () throws(NetlinkError) -> T) throws(NetlinkError) -> T {
        try NamespaceThread.run(inNetworkNamespace: path, failure: NetlinkError.init(namespaceThread:), body)
    }
}

extension NetlinkError {
    init(namespaceThread failure: NamespaceThread.Failure) {
        switch failure {
        case let .open(path, code): self.init(errno: code.rawValue, operation: "opening network namespace \(path)")
        case let .enter(path, code):
            self.init(errno: code.rawValue, operation: "entering network namespace \(path)", capability: "CAP_SYS_ADMIN")
        case let .startThread(code): self.init(errno: code.rawValue, operation: "starting a thread")
        }
    }
}

/// Runs `body` inside `namespace` (on a thread that entered it), or here when it is nil.
func run<T>(in namespace: NetworkNamespace?, _ body: () throws(NetlinkError) -> T) throws(NetlinkError) -> T {
    if let namespace { return try namespace.run(body) }
    return try body()
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

