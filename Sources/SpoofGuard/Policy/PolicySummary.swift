extension Policy {
    /// One line saying what the policy does, for `check` and `apply` output, e.g.
    /// `table spoofguard at prerouting: on eth0, wan*, drop source loopback, loopback-mapped (7 prefixes); destination loopback (2 prefixes); counter, log 10/minute`.
    public var summary: String {
        let interfaces: String = switch external {
        case .listed(let patterns): "on " + Self.list(patterns.map(\.description))
        case .allExceptInternal: "on every interface except " + Self.list(`internal`.map(\.description))
        }
        var parts = ["table \(table) at \(hooks.map(\.rawValue).joined(separator: ", ")): \(interfaces), \(action.verdict.rawValue)"]
        var guards: [String] = []
        for (name, entries) in [("source", guardedSources), ("destination", guardedDestinations)] where !entries.isEmpty {
            var distinct: Set<IPPrefix> = []
            for entry in entries { entry.forEachPrefix { distinct.insert($0) } }
            let count = distinct.count
            guards.append("\(name) \(Self.list(entries.map(\.text))) (\(count) prefix\(count == 1 ? "" : "es"))")
        }
        parts[0] += " " + guards.joined(separator: "; ")
        var extras: [String] = []
        if action.counter { extras.append("counter") }
        if let log = action.log {
            extras.append("log \(log.rate.rate)/\(log.rate.unit.rawValue)" + (log.group.map { " to NFLOG group \($0)" } ?? ""))
        }
        if !extras.isEmpty { parts.append(extras.joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }

    /// A list for one line: long ones are cut to their first few items and a count.
    private static func list(_ items: [String], limit: Int = 6) -> String {
        guard items.count > limit else { return items.joined(separator: ", ") }
        return items.prefix(limit - 1).joined(separator: ", ") + " and \(items.count - limit + 1) more"
    }
}

extension GuardEntry {
    /// The entry as written in the policy: a catalog name or the literal prefix text.
    public var text: String {
        switch origin {
        case .catalog(let name): name
        case .literal(let text): text
        }
    }
}
