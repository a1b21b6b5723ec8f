internal import CNetfilter
import Glibc
import SpoofGuard

/// `spoofguard watch`: keeps the compiled policy loaded while devices come and go and other
/// processes touch spoofguard's table. Sleeps in poll(2) on three descriptors (link events,
/// nf_tables events, a signalfd for SIGTERM/SIGINT); a relevant event opens a short window in
/// which further events are gathered, then one apply (the same atomic apply as `apply`) serves
/// them all. Its own commits are recognised by the committing thread in NFT_MSG_NEWGEN and ignored.
/// On a kernel without device prefixes or hooks on absent devices each apply binds the ingress
/// chains to the links that exist at that moment (`IngressBinding`).
public final class WatchAgent {
    /// Events arriving within this window after the first one share one apply.
    public static let coalescingWindow: Int32 = 10   // ms

    let ruleset: Ruleset
    let namespace: NetworkNamespace?
    let kernel: NetfilterKernel
    /// Probed once at start (the kernel does not change under a running agent).
    let features: KernelFeatures
    private var trigger: WatchTrigger
    private let links: EventSocket
    private let tables: EventSocket
    private let log: (String) -> Void
    /// Applies so far (the benchmark counts them per burst).
    public private(set) var applies = 0
    /// The element record of the last apply, kept in memory: a check after a link event, when
    /// nothing was committed since, skips the element dump (`ElementRecord`).
    private var record: ElementRecord?

    /// Opens the sockets (subscribed before the first apply, so no change falls between).
    /// `features` replaces the probe's answer: a test hook that simulates an older kernel.
    public init(policy: Policy, namespace: NetworkNamespace?, features simulated: KernelFeatures? = nil,
                log: @escaping (String) -> Void) throws {
        ruleset = Compiler.compile(policy)
        self.namespace = namespace
        self.log = log
        trigger = WatchTrigger(policy: policy)
        links = try EventSocket(bus: NETLINK_ROUTE, group: EventSocket.linkGroup, label: "rtnetlink link", namespace: namespace)
        tables = try EventSocket(bus: NETLINK_NETFILTER, group: EventSocket.nftablesGroup, label: "nf_tables", namespace: namespace)
        kernel = try NetfilterKernel(namespace: namespace)
        features = try simulated ?? kernel.features()
        trigger.know(try RouteSocket(namespace: namespace).links())
    }

    /// Blocks SIGTERM and SIGINT in this thread (and every thread it starts from now on) and
    /// returns a signalfd that becomes readable when one arrives. Call before anything else.
    public static func stopSignals() throws(NetlinkError) -> Int32 {
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGTERM)
        sigaddset(&mask, SIGINT)
        pthread_sigmask(SIG_BLOCK, &mask, nil)
        let fd = signalfd(-1, &mask, Int32(SFD_CLOEXEC | SFD_NONBLOCK))
        guard fd >= 0 else { throw NetlinkError(errno: Glibc.errno, operation: "creating a signalfd for SIGTERM") }
        return fd
    }

    /// Applies once (failures thrown: the unit fails to start), calls `ready`, then follows
    /// events until `stop` is readable. Returns the signal's name; the table stays loaded.
    public func run(stop: Int32, ready: () -> Void) throws -> String {
        if ruleset.bindsDevices && !(features.absentDevices && features.devicePrefixes) {
            log("kernel: \(features.summary); each apply binds the ingress chains to the matching devices that exist")
        }
        try apply(because: ["start"])
        ready()
        var reasons: [String] = []
        var pendingTableChanges: [String] = []
        var deadline: timespec?
        while true {
            var descriptors = [pollfd(fd: stop, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: links.fd, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: tables.fd, events: Int16(POLLIN), revents: 0)]
            let timeout = deadline.map { max(0, Self.milliseconds(until: $0)) } ?? -1
            // A signal ends a wait early: poll again with the deadline recomputed.
            if poll(&descriptors, nfds_t(descriptors.count), timeout) < 0 {
                if Glibc.errno == EINTR { continue }
                throw NetlinkError(errno: Glibc.errno, operation: "waiting for events")
            }
            if descriptors[0].revents != 0 {
                var info = signalfd_siginfo()
                _ = read(stop, &info, MemoryLayout<signalfd_siginfo>.size)
                return info.ssi_signo == UInt32(SIGINT) ? "SIGINT" : "SIGTERM"
            }
            if descriptors[1].revents != 0 {
                reasons += try linkReasons()
            }
            if descriptors[2].revents != 0 {
                reasons += try tableReasons(&pendingTableChanges)
            }
            if !reasons.isEmpty && deadline == nil { deadline = Self.now(plus: Self.coalescingWindow) }
            if let due = deadline, Self.milliseconds(until: due) <= 0 {
                do {
                    try apply(because: reasons)
                } catch {
                    // The previous table stays as it was (one transaction); the next event tries again.
                    log("apply failed, the previous table stays loaded: \(error)")
                }
                reasons = []
                deadline = nil
            }
        }
    }

    private func linkReasons() throws -> [String] {
        switch try links.drain() {
        case .messages(let messages):
            return messages.compactMap { message in
                let type = message.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: UInt16.self) }
                guard type == RouteMessage.newLink || type == RouteMessage.delLink,
                      let link = try? RouteMessage.link(message) else { return nil }
                return trigger.linkEvent(link, removed: type == RouteMessage.delLink)
            }
        case .overflowed:
            // Lost events: learn the links afresh and re-apply, which is always safe.
            trigger = WatchTrigger(copying: trigger, links: try RouteSocket(namespace: namespace).links())
            return ["link events lost (ENOBUFS)"]
        }
    }

    /// Object events are held until their batch's NEWGEN says who committed it: this agent's
    /// own commits (its thread) are dropped, anyone else's change to the table is a reason.
    private func tableReasons(_ pending: inout [String]) throws -> [String] {
        let messages: [[UInt8]]
        switch try tables.drain() {
        case .messages(let all): messages = all
        case .overflowed:
            pending = []
            return ["nf_tables events lost (ENOBUFS)"]
        }
        var reasons: [String] = []
        for message in messages {
            guard let event = NftablesEvent(message) else { continue }
            if event.type == NftablesEvent.newGen {
                if event.committer != ownThread && event.committer != UInt32(getpid()) { reasons += pending }
                pending = []
            } else if trigger.concerns(family: TableFamily(nfproto: event.family), table: event.table),
                      let family = TableFamily(nfproto: event.family) {
                let reason = "table \(family.rawValue) \(event.table ?? "") \(event.verb) by another process"
                if !pending.contains(reason) { pending.append(reason) }
            }
        }
        return reasons
    }

    private var ownThread: UInt32 { UInt32(bitPattern: spoofguard_thread_id()) }

    private func apply(because reasons: [String]) throws {
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        // Only a kernel without a netdev feature needs the links (a dump per apply).
        let links = features.absentDevices && features.devicePrefixes ? [] : try RouteSocket(namespace: namespace).links().map(\.name)
        let binding = IngressBinding(ruleset, features: features, links: links)
        let report = try kernel.apply(binding.ruleset, features: features, record: record)
        record = report.record
        applies += 1
        let elapsed = -Self.milliseconds(until: start)
        let unique = reasons.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let cause = unique.prefix(3).joined(separator: "; ") + (unique.count > 3 ? "; +\(unique.count - 3) more" : "")
        log("\(report.changed ? "re-applied" : "checked, unchanged:") \(report.tables.joined(separator: ", ")) (\(cause)) in \(elapsed) ms"
            + binding.notes.map { "; \($0)" }.joined())
    }

    static func now(plus milliseconds: Int32) -> timespec {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        let nanoseconds = Int(time.tv_nsec) + Int(milliseconds) * 1_000_000
        time.tv_sec += nanoseconds / 1_000_000_000
        time.tv_nsec = nanoseconds % 1_000_000_000
        return time
    }

    /// Milliseconds from now until `time` (negative once past).
    static func milliseconds(until time: timespec) -> Int32 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let delta = (Int(time.tv_sec) - Int(now.tv_sec)) * 1000 + (Int(time.tv_nsec) - Int(now.tv_nsec)) / 1_000_000
        return Int32(clamping: delta)
    }
}

extension WatchTrigger {
    init(copying other: WatchTrigger, links: [HostLink]) {
        self = other
        know(links)
    }
}

/// sd_notify(3) without libsystemd: one datagram to the AF_UNIX socket named in NOTIFY_SOCKET
/// (a path, or an abstract name written with a leading '@'). Nothing happens without it.
public enum ServiceManager {
    public static func notify(_ state: String) {
        guard let raw = getenv("NOTIFY_SOCKET") else { return }
        var name = Array(String(cString: raw).utf8)
        guard !name.isEmpty else { return }
        if name[0] == UInt8(ascii: "@") { name[0] = 0 }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard name.count < capacity else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            for (index, byte) in name.enumerated() { path[index] = byte }
        }
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + name.count)
        let message = Array(state.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                message.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, socketAddress, length) }
            }
        }
    }
}
