/// `external`, `internal` and the rules that tie them together (and to the ingress hook).
extension PolicyDecoder {
    struct Interfaces {
        var external: ExternalInterfaces
        var `internal`: [InterfacePattern]
    }

    /// NFT_NETDEVICE_MAX in include/net/netfilter/nf_tables.h: devices one netdev chain may bind.
    static let maximumIngressDevices = 256

    struct PatternEntry {
        var pattern: InterfacePattern
        var path: JSONPath
        var position: StrictJSON.Position
    }

    mutating func decodeInterfaces(external externalValue: Value?, internal internalValue: Value?,
                                   hooks: [HookEntry], root: JSONPath) -> Interfaces? {
        let externalPath = root.key("external")
        let internalPath = root.key("internal")
        // Each list keeps its valid entries even when others are wrong, so that the checks
        // below still run on them and every problem is reported in one pass.
        let externalList = externalValue.map { patterns($0, at: externalPath) }
        let internalList = internalValue.map { patterns($0, at: internalPath) } ?? ([], true)
        let external: [PatternEntry]?? = externalList.map { $0?.entries }
        let `internal` = internalList?.entries
        var valid = (externalList.map { $0?.complete ?? false } ?? true) && (internalList?.complete ?? false)

        if let externalValue, case .array(let elements) = externalValue.kind, elements.isEmpty {
            report(externalPath, "is empty, so nothing would be guarded; list the interfaces to guard, or omit \"external\" to guard every interface except the internal ones", at: externalValue.position)
            valid = false
        }
        if let external = external ?? nil {
            for entry in external where entry.pattern.overlaps(.loopback) {
                let what = entry.pattern == .loopback ? "\"lo\"" : "\(quoted(entry.pattern.description)) matches \"lo\" and"
                report(entry.path, "\(what) would cut the host off from itself: lo is always internal; remove it", at: entry.position)
                valid = false
            }
            // An interface cannot be both guarded and never filtered.
            for entry in external where !entry.pattern.overlaps(.loopback) {
                for other in (`internal` ?? []) where other.pattern.overlaps(entry.pattern) {
                    report(entry.path, "\(quoted(entry.pattern.description)) overlaps the internal interface \(quoted(other.pattern.description)) (\(other.path)); an interface is either guarded or internal, remove one of them", at: entry.position)
                    valid = false
                }
            }
        }
        // ("*" with external omitted gets the sharper message below.)
        let everything = InterfacePattern.matchingEveryName
        for entry in `internal` ?? [] where entry.pattern != .loopback && entry.pattern.overlaps(.loopback)
            && !(externalValue == nil && entry.pattern == everything) {
            report(entry.path, "\(quoted(entry.pattern.description)) also matches \"lo\", which is always internal, and an interface set cannot hold overlapping entries; name the interfaces without covering lo", at: entry.position)
            valid = false
        }
        if externalValue == nil, let `internal` {
            // pf's antispoof trap: never let "everything except internal" become "nothing".
            for entry in `internal` where entry.pattern == InterfacePattern.matchingEveryName {
                report(entry.path, "\"*\" makes every interface internal, so with \"external\" omitted nothing would be guarded; name the internal interfaces instead", at: entry.position)
                valid = false
            }
        }

        // The ingress hook binds its chain to named devices (or name prefixes).
        for hook in hooks where hook.hook == .ingress {
            if externalValue == nil {
                report(hook.path, "\"ingress\" needs an explicit \"external\" list of interface names: an ingress chain is bound to existing devices by name and cannot mean \"every interface except the internal ones\"; list the devices in \"external\", or use \"prerouting\"", at: hook.position)
                valid = false
            } else if let external = external ?? nil {
                if external.count > Self.maximumIngressDevices, let externalValue {
                    report(externalPath, "lists \(external.count) devices, but the ingress hook (\(hook.path)) binds one netdev chain to all of them and the kernel accepts at most \(Self.maximumIngressDevices) devices per chain (NFT_NETDEVICE_MAX); use \"prerouting\" for this many interfaces", at: externalValue.position)
                    valid = false
                }
                // A wildcard becomes a device prefix (NFTA_DEVICE_PREFIX) and an absent name waits
                // for its device: whether the kernel can do either is probed by apply, which
                // refuses with the missing feature (`MissingKernelFeatureError`).
            }
        }

        guard valid, let `internal` else { return nil }
        let internalPatterns = `internal`.map(\.pattern)
        switch external {
        case nil:
            return Interfaces(external: .allExceptInternal, internal: internalPatterns)
        case let entries??:
            return Interfaces(external: .listed(entries.map(\.pattern)), internal: internalPatterns)
        case .some(nil):
            return nil
        }
    }

    /// A list of interface names and wildcards, each parsed with the kernel's rules;
    /// duplicates refused. Nil when it is not a list; `complete` is false when an entry is wrong.
    private mutating func patterns(_ value: Value, at path: JSONPath) -> (entries: [PatternEntry], complete: Bool)? {
        guard let (texts, allStrings) = strings(value, at: path, what: "interface names", element: "an interface name") else {
            return nil
        }
        var entries: [PatternEntry] = []
        var firstPath: [InterfacePattern: JSONPath] = [:]
        var complete = allStrings
        for (text, elementPath, position) in texts {
            do {
                let pattern = try InterfacePattern(parsing: text)
                if let first = firstPath[pattern] {
                    report(elementPath, "\(quoted(text)) is listed twice (also at \(first)); remove one", at: position)
                    complete = false
                    continue
                }
                firstPath[pattern] = elementPath
                entries.append(PatternEntry(pattern: pattern, path: elementPath, position: position))
            } catch {
                report(elementPath, "\(quoted(text)) \(error.reason)", at: position)
                complete = false
            }
        }
        if !reportOverlaps(entries) { complete = false }
        return (entries, complete)
    }

    /// nftables keeps interface names in an interval set, where a wildcard is a range, and
    /// refuses overlapping elements ("conflicting intervals specified"): `eth*` with `eth0`
    /// cannot load. So a pattern covered by another in the same list is refused, naming both.
    /// Linear: names are at most 15 bytes, so each entry looks up at most 16 wildcard stems.
    private mutating func reportOverlaps(_ entries: [PatternEntry]) -> Bool {
        var wildcards: [[UInt8]: Int] = [:]
        for (index, entry) in entries.enumerated() where entry.pattern.isWildcard {
            wildcards[Array(entry.pattern.stem.utf8)] = index
        }
        var clean = true
        for (index, entry) in entries.enumerated() {
            let stem = Array(entry.pattern.stem.utf8)
            // A wildcard's own stem is itself (or an exact duplicate, reported already).
            let lengths = entry.pattern.isWildcard ? 0..<stem.count : 0..<(stem.count + 1)
            for length in lengths {
                guard let coveringIndex = wildcards[Array(stem.prefix(length))], coveringIndex != index else { continue }
                let covering = entries[coveringIndex]
                let narrow = quoted(entry.pattern.description), wide = quoted(covering.pattern.description)
                let why = "an interface set cannot hold overlapping entries (nft: conflicting intervals)"
                if index > coveringIndex {
                    report(entry.path, "\(narrow) is already covered by \(wide) (\(covering.path)); remove it: \(why)", at: entry.position)
                } else {
                    report(covering.path, "\(wide) covers \(narrow) (\(entry.path)); remove \(narrow): \(why)", at: covering.position)
                }
                clean = false
            }
        }
        return clean
    }
}

extension InterfacePattern {
    /// `*`: the wildcard with an empty stem.
    static let matchingEveryName: InterfacePattern = {
        do { return try InterfacePattern(parsing: "*") } catch { preconditionFailure("\"*\" is a valid pattern") }
    }()
}
