/// Something in a Ruleset that nft cannot express or would refuse. The renderers print
/// what they are given; the compiler calls `problems(in:)` so that such a ruleset is
/// reported with its location instead of failing later inside `nft -f` or the kernel.
public struct RenderProblem: Hashable, Sendable, CustomStringConvertible {
    /// Where: `table inet spoofguard, chain prerouting, rule 2`.
    public var location: String
    public var reason: String

    public var description: String { "\(location): \(reason)" }

    /// nft's scanner ends a quoted string at the next `"` and has no escapes; the kernel caps
    /// log prefixes (NF_LOG_PREFIXLEN) and nft caps comments (NFTNL_UDATA_COMMENT_MAXLEN).
    static let logPrefixLimit = 127
    static let commentLimit = 128

    public static func problems(in ruleset: Ruleset) -> [RenderProblem] {
        var problems: [RenderProblem] = []
        for table in ruleset.tables {
            let tableLocation = "table \(table.family.rawValue) \(table.name)"
            func check(_ string: String, _ what: String, at location: String, limit: Int? = nil) {
                if string.contains("\"") || string.contains("\n") {
                    problems.append(RenderProblem(location: location,
                        reason: "\(what) \"\(string)\" contains a double quote or newline, which nft cannot quote; remove it"))
                }
                if let limit, string.utf8.count > limit {
                    problems.append(RenderProblem(location: location,
                        reason: "\(what) is \(string.utf8.count) bytes long; nft accepts at most \(limit)"))
                }
            }
            let names = [("table name", table.name)] + table.sets.map({ ("set name", $0.name) })
                + table.chains.map({ ("chain name", $0.name) })
            for (what, name) in names where !isIdentifier(name) {
                problems.append(RenderProblem(location: tableLocation,
                    reason: "\(what) \"\(name)\" is not an nft identifier (a letter, then letters, digits, \"_\", \"-\", \".\", \"/\")"))
            }
            if let comment = table.comment { check(comment, "comment", at: tableLocation, limit: commentLimit) }
            for set in table.sets {
                let location = tableLocation + ", set \(set.name)"
                if let comment = set.comment { check(comment, "comment", at: location, limit: commentLimit) }
                let ranges: Bool = switch set.elements {
                case .ipv4(let addresses): addresses.ranges.contains { $0.lowerBound != $0.upperBound }
                case .ipv6(let addresses): addresses.ranges.contains { $0.lowerBound != $0.upperBound }
                case .interfaces: false
                }
                if ranges && !set.flags.contains(.interval) {
                    problems.append(RenderProblem(location: location,
                        reason: "holds prefixes or ranges, which need the set to have the interval flag"))
                }
                if case .interfaces(let patterns) = set.elements {
                    // In an interval set each name and wildcard is a range of keys; nft refuses
                    // overlapping ones ("conflicting intervals specified").
                    if set.flags.contains(.interval) {
                        for (index, pattern) in patterns.enumerated() {
                            for other in patterns[(index + 1)...] where other != pattern && pattern.overlaps(other) {
                                problems.append(RenderProblem(location: location,
                                    reason: "\"\(pattern)\" and \"\(other)\" overlap; nft refuses overlapping elements, keep only the wider one"))
                            }
                        }
                    }
                    for pattern in patterns {
                        check(pattern.description, "interface name", at: location)
                        if pattern.isWildcard && pattern.stem.isEmpty {
                            problems.append(RenderProblem(location: location,
                                reason: "the wildcard \"*\" alone is refused by nft; leave the interface match out instead"))
                        }
                        if pattern.isWildcard && !set.flags.contains(.interval) {
                            problems.append(RenderProblem(location: location,
                                reason: "wildcard \"\(pattern)\" needs the set to have the interval flag"))
                        }
                    }
                }
            }
            for chain in table.chains {
                let chainLocation = tableLocation + ", chain \(chain.name)"
                for device in chain.base?.devices ?? [] {
                    check(device, "device", at: chainLocation)
                    if device.hasSuffix("*") {
                        // nft 1.0.6 sends any device as NFTA_DEVICE_NAME: "wan*" would be a literal name.
                        problems.append(RenderProblem(location: chainLocation, reason: Self.devicePrefixReason(device)))
                    }
                }
                for (number, rule) in chain.rules.enumerated() {
                    let location = chainLocation + ", rule \(number + 1)"
                    if let comment = rule.comment { check(comment, "comment", at: location, limit: commentLimit) }
                    for statement in rule.statements {
                        switch statement {
                        case .limit(let limit):
                            // nft refuses "burst 0 packets"; the kernel refuses a rate of 0 (EINVAL).
                            if limit.rate == 0 || limit.burst == 0 {
                                problems.append(RenderProblem(location: location,
                                    reason: "limit rate \(limit.rate)/\(limit.unit.rawValue) burst \(limit.burst): rate and burst must be at least 1"))
                            }
                        case .log(let log):
                            if let prefix = log.prefix { check(prefix, "log prefix", at: location, limit: logPrefixLimit) }
                        case .match(let match):
                            if case .interface(let pattern) = match.value {
                                check(pattern.description, "interface name", at: location)
                                if pattern.isWildcard && pattern.stem.isEmpty {
                                    problems.append(RenderProblem(location: location,
                                        reason: "the wildcard \"*\" alone is refused by nft; leave the interface match out instead"))
                                }
                            }
                            if case .set(let name) = match.value, table.set(named: name) == nil {
                                problems.append(RenderProblem(location: location, reason: "refers to set @\(name), which the table does not define"))
                            }
                        case .verdict(.jump(let target)), .verdict(.goto(let target)):
                            if table.chain(named: target) == nil {
                                problems.append(RenderProblem(location: location, reason: "jumps to chain \(target), which the table does not define"))
                            }
                        case .verdict(.accept), .verdict(.drop), .verdict(.continue), .verdict(.return), .counter, .reject:
                            break
                        }
                    }
                }
            }
        }
        return problems
    }

    /// What the JSON renderer cannot write for nft 1.0.6 on top of `problems(in:)`: its JSON
    /// parser takes no `typeof`, so a set keyed by a raw load (the encapsulation guards of the
    /// bridge and ingress hooks) cannot be declared — and leaving those rules out would load
    /// a weaker guard than the policy says. No other 1.0.6 form means the same: `"integer"` has
    /// no length, an address type fails the lookup's type check (RawKeyedSetJSONTests), and
    /// anonymous sets in the rules would be another ruleset than the text form's.
    public static func jsonProblems(in ruleset: Ruleset) -> [RenderProblem] {
        ruleset.tables.flatMap { table in
            table.sets.compactMap { set in
                set.rawKey.map { key in
                    RenderProblem(location: "table \(table.family.rawValue) \(table.name), set \(set.name)",
                                  reason: "is declared typeof \(key), which nft 1.0.6 cannot read from JSON; use the nft format")
                }
            }
        }
    }

    /// Why nft text and JSON cannot carry a device prefix for the nft this is built against.
    public static func devicePrefixReason(_ device: String) -> String {
        "the device prefix \"\(device)\" needs NFTA_DEVICE_PREFIX, which nft 1.0.6 does not send: it would load \"\(device)\" "
            + "as a literal device name and guard no device; load this policy with `spoofguard apply` (netlink), "
            + "or use \"prerouting\", which nft writes as an interface-name wildcard"
    }

    /// nft's identifier: a letter, then letters, digits, `_`, `-`, `.`, `/` (as its scanner reads them).
    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIILetter else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || "_-./".unicodeScalars.contains($0) }
            && name.utf8.count < 256
    }
}

private extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
