internal import CNetfilter
import Glibc
import SpoofGuard

/// Reads a `HostSnapshot` of one network namespace (or the current one): nf_tables and
/// rtnetlink dumps, and /proc/sys. Never writes anything to the kernel.
public enum HostReader {
    /// How often the nf_tables reads start over when the ruleset changed under them.
    static let attempts = 5

    public static func snapshot(namespace: NetworkNamespace?, guardTable: String) throws -> HostSnapshot {
        let kernel = try NetfilterKernel(namespace: namespace)
        var snapshot = HostSnapshot(guardTable: guardTable)
        var attempt = 1
        while true {
            let before = try kernel.generation()
            do {
                snapshot.guardRuleset = try kernel.read(tablesNamed: [guardTable])
                snapshot.guardUnreadable = nil
            } catch let error as DelinearizeError {
                snapshot.guardRuleset = Ruleset()
                snapshot.guardUnreadable = "\(error)"
            }
            snapshot.chains = try ForeignTables(socket: kernel.socket).baseChains()
            if try kernel.generation() == before || attempt == attempts { break }
            attempt += 1
        }
        // A probe that commits nothing; without CAP_NET_ADMIN the report simply lacks it.
        snapshot.kernelFeatures = try? kernel.features()
        let routes = try RouteSocket(namespace: namespace)
        snapshot.links = try routes.links()
        snapshot.defaultRoutes = try routes.defaultRoutes()
        let files = { () throws(NetlinkError) -> (ReceiveSysctls, [LegacyTables]) in
            (ProcFiles.sysctls(), ProcFiles.legacyTables())
        }
        (snapshot.sysctls, snapshot.legacyTables) = try run(in: namespace, files)
        // Each device's own settings come with its link (IFLA_INET_CONF): one dump, not
        // three /proc/sys files per link.
        snapshot.sysctls.add(snapshot.links)
        return snapshot
    }
}

/// /proc/sys and /proc/thread-self/net: both answer for the network namespace of the
/// reading *thread*, which is why they are read on the thread that entered it.
enum ProcFiles {
    /// `all` and `default`; the devices' own come from the link dump.
    static func sysctls() -> ReceiveSysctls {
        var sysctls = ReceiveSysctls()
        for name in ["all", "default"] {
            let directory = "/proc/sys/net/ipv4/conf/\(name)/"
            if let value = integer(directory + "route_localnet") { sysctls.routeLocalnet[name] = value }
            if let value = integer(directory + "rp_filter") { sysctls.rpFilter[name] = value }
            if let value = integer(directory + "accept_local") { sysctls.acceptLocal[name] = value }
        }
        for table in ["iptables", "ip6tables", "arptables"] {
            if let value = integer("/proc/sys/net/bridge/bridge-nf-call-\(table)") { sysctls.bridgeNetfilter[table] = value }
        }
        return sysctls
    }

    /// x_tables names per front end. ebtables has no such file: its modules being loaded is
    /// all that can be seen, and it is reported as such.
    static func legacyTables() -> [LegacyTables] {
        var result: [LegacyTables] = []
        let files: [(LegacyTables.Tool, String)] = [(.iptables, "ip_tables_names"), (.ip6tables, "ip6_tables_names"),
                                                    (.arptables, "arp_tables_names")]
        for (tool, file) in files {
            let names = lines("/proc/thread-self/net/\(file)")
            if !names.isEmpty { result.append(LegacyTables(tool: tool, tables: names)) }
        }
        let ebtables = lines("/proc/modules").compactMap { line -> String? in
            let module = line.prefix { $0 != " " }
            return module.hasPrefix("ebtable_") ? String(module.dropFirst("ebtable_".count)) + " (module loaded)" : nil
        }
        if !ebtables.isEmpty { result.append(LegacyTables(tool: .ebtables, tables: ebtables)) }
        return result
    }

    static func integer(_ path: String) -> Int? {
        lines(path).first.flatMap { Int($0.trimmingCharacters(in: " \t")) }
    }

    /// The file's non-empty lines; none when it cannot be read (absent module, no such device).
    static func lines(_ path: String) -> [String] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        // What was read before a failure counts.
        return String(decoding: Uninterrupted.readToEnd(fd).bytes, as: UTF8.self).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return String(text)
    }
}
