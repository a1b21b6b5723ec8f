/// Policy → Ruleset. The only place that decides what spoofguard's tables look like.
///
/// Shape (per hook, see DESIGN.md):
/// - interfaces go into one named ifname set (wildcards kept, so ppp/VLAN/hot-plugged
///   devices are guarded before they exist);
/// - guarded prefixes are merged into one interval set per family and direction;
/// - so each table has at most four guard rules (source/destination × IPv4/IPv6), however
///   many interfaces and prefixes the policy names: the per-packet cost stays flat.
public enum Compiler {
    public static func compile(_ policy: Policy) -> Ruleset {
        let guards = GuardSets(policy)
        var tables: [Table] = []
        for hook in PolicyHook.allCases where policy.hooks.contains(hook) {
            tables.append(table(for: hook, policy: policy, guards: guards))
        }
        return Ruleset(tables: tables)
    }

    /// Names of the objects the compiler creates; status and diff read them back by name.
    public enum Names {
        public static let externalInterfaces = "external_interfaces"
        public static let internalInterfaces = "internal_interfaces"
        public static let logChain = "log_and_drop"
        public static func addressSet(_ field: AddressField, _ family: AddressFamily) -> String {
            "\(field == .source ? "source" : "destination")_\(family == .ipv4 ? "ipv4" : "ipv6")"
        }
        /// The same addresses as `addressSet`, as nft integers for raw link-layer lookups.
        public static func encapsulatedAddressSet(_ field: AddressField, _ family: AddressFamily) -> String {
            addressSet(field, family) + "_encapsulated"
        }
        public static func baseChain(_ hook: PolicyHook) -> String {
            hook == .ingress ? "ingress" : "prerouting"
        }
    }

    /// The comment of a guard rule: the policy entry it enforces, e.g. `guard.source ipv6`.
    /// The netlink layer uses it to name the policy entry behind a kernel error.
    public static func ruleComment(_ field: AddressField, _ family: AddressFamily) -> String {
        "guard.\(field == .source ? "source" : "destination") \(family == .ipv4 ? "ipv4" : "ipv6")"
    }

    static func table(for hook: PolicyHook, policy: Policy, guards: GuardSets) -> Table {
        var sets: [NamedSet] = []
        // The interface condition that starts every guard rule; netdev chains are bound to
        // their devices and need none.
        var interfaceMatch: Match?
        if hook != .ingress {
            switch policy.external {
            case .listed(let patterns):
                sets.append(interfaceSet(Names.externalInterfaces, patterns))
                interfaceMatch = Match(.inputInterfaceName, .set(Names.externalInterfaces))
            case .allExceptInternal:
                sets.append(interfaceSet(Names.internalInterfaces, policy.internal))
                interfaceMatch = Match(.inputInterfaceName, .set(Names.internalInterfaces), negated: true)
            }
        }

        let action = actionStatements(policy.action)
        var rules: [Rule] = []
        for field in AddressField.allCases {
            for family in AddressFamily.allCases {
                guard let elements = guards.elements(field, family) else { continue }
                let setName = Names.addressSet(field, family)
                sets.append(NamedSet(name: setName, flags: [.constant, .interval], elements: elements))
                var statements: [Statement] = interfaceMatch.map { [.match($0)] } ?? []
                statements.append(.match(Match(.address(family, field), .set(setName))))
                if policy.action.counter { statements.append(.counter(Counter())) }
                statements += action.inRule
                rules.append(Rule(statements, comment: ruleComment(field, family)))
            }
        }

        if hook != .prerouting {
            let (encapsulatedSets, encapsulatedRules) = encapsulationGuards(interfaceMatch: interfaceMatch, guards: guards,
                                                                            policy: policy, action: action.inRule)
            sets += encapsulatedSets
            rules += encapsulatedRules
        }

        var chains = [Chain(name: Names.baseChain(hook), base: baseChain(hook, policy: policy), rules: rules)]
        if let logChain = action.logChain { chains.append(logChain) }
        return Table(family: family(of: hook), name: policy.table, sets: sets, chains: chains, comment: TableOwnership.mark)
    }

    /// Bridge and ingress chains see QinQ and PPPoE frames still wrapped (`meta protocol` is
    /// 0x8100/0x8864; see `LinkEncapsulation`): each guarded encapsulation gets the four guard
    /// rules again, selecting the frame by its link-layer types and looking the address up
    /// with a raw `@ll` load. nft 1.0.6 will not look a raw load up in an `ipv4_addr` set, so
    /// those rules share integer-typed copies of the address sets. A frame meets at most
    /// 4 × (1 + guarded encapsulations) rules, however many addresses and interfaces.
    static func encapsulationGuards(interfaceMatch: Match?, guards: GuardSets, policy: Policy, action: [Statement])
        -> (sets: [NamedSet], rules: [Rule]) {
        var sets: [NamedSet] = []
        var rules: [Rule] = []
        let typeofOffset = LinkEncapsulation.guarded[0].networkOffset
        for field in AddressField.allCases {
            for family in AddressFamily.allCases {
                guard let elements = guards.elements(field, family) else { continue }
                sets.append(NamedSet(name: Names.encapsulatedAddressSet(field, family), flags: [.constant, .interval],
                                     elements: elements, rawKey: .address(family, field, networkOffset: typeofOffset)))
            }
        }
        for encapsulation in LinkEncapsulation.guarded {
            for field in AddressField.allCases {
                for family in AddressFamily.allCases where guards.elements(field, family) != nil {
                    var statements: [Statement] = interfaceMatch.map { [.match($0)] } ?? []
                    for selector in encapsulation.selectors(for: family) {
                        let load = RawPayload(.link, offset: selector.frameOffset, length: selector.field.length)
                        statements.append(.match(Match(.payload(load), .bytes(selector.value))))
                    }
                    let address = RawPayload.address(family, field, networkOffset: encapsulation.networkOffset)
                    statements.append(.match(Match(.payload(address), .set(Names.encapsulatedAddressSet(field, family)))))
                    if policy.action.counter { statements.append(.counter(Counter())) }
                    statements += action
                    rules.append(Rule(statements, comment: ruleComment(field, family) + " " + encapsulation.description))
                }
            }
        }
        return (sets, rules)
    }

    static func family(of hook: PolicyHook) -> TableFamily {
        switch hook {
        case .prerouting: .inet
        case .ingress: .netdev
        case .bridge: .bridge
        }
    }

    static func baseChain(_ hook: PolicyHook, policy: Policy) -> BaseChain {
        switch hook {
        case .prerouting:
            // raw (-300): before conntrack, so spoofed packets never create state.
            BaseChain(hook: .prerouting, priority: .raw)
        case .ingress:
            // One chain bound to every listed device (kernel ≥ 5.5), rather than one chain per
            // device, so that the rule count does not grow with the number of interfaces.
            BaseChain(hook: .ingress, priority: .filter, devices: ingressDevices(policy))
        case .bridge:
            // bridge dstnat (-300): the earliest bridge prerouting slot.
            BaseChain(hook: .prerouting, priority: .bridgeDstnat)
        }
    }

    /// Validation guarantees an explicit list of concrete names when the ingress hook is used.
    static func ingressDevices(_ policy: Policy) -> [String] {
        guard case .listed(let patterns) = policy.external else { return [] }
        // A wildcard is a device prefix ("wan*", NFTA_DEVICE_PREFIX): apply refuses it on a
        // kernel without prefixes, never silently drops it from the chain.
        return patterns.map(\.description).sorted()
    }

    static func interfaceSet(_ name: String, _ patterns: [InterfacePattern]) -> NamedSet {
        let sorted = Array(Set(patterns)).sorted()
        // nft needs an interval set to hold prefix wildcards such as "ppp*".
        let flags: SetFlags = sorted.contains(where: \.isWildcard) ? [.constant, .interval] : [.constant]
        return NamedSet(name: name, flags: flags, elements: .interfaces(sorted))
    }

    /// The verdict part of a guard rule, and the shared log chain it jumps to when logging.
    /// A `limit` stops the rest of its rule when exceeded, so logging cannot share a rule with
    /// the drop: the guard rule counts and `goto`s a chain that logs under the limit and drops.
    static func actionStatements(_ action: Action) -> (inRule: [Statement], logChain: Chain?) {
        let verdict: Statement = action.verdict == .drop ? .verdict(.drop) : .reject(.portUnreachable)
        guard let log = action.log else { return ([verdict], nil) }
        let logChain = Chain(name: Names.logChain, rules: [
            Rule([.limit(log.rate), .log(Log(prefix: log.prefix, group: log.group))], comment: "action.log"),
            Rule([verdict], comment: "action.verdict"),
        ])
        return ([.verdict(.goto(Names.logChain))], logChain)
    }
}

/// The guarded prefixes of a policy merged into one interval set per direction and family.
/// Overlapping and adjacent prefixes are merged here: the kernel refuses overlapping intervals.
struct GuardSets {
    private var sets: [AddressField: (v4: IPv4Set, v6: IPv6Set)] = [:]

    init(_ policy: Policy) {
        for field in AddressField.allCases {
            // Collect first and build each set once: inserting one by one would be quadratic.
            var v4: [ClosedRange<UInt32>] = []
            var v6: [ClosedRange<UInt128>] = []
            for entry in policy.guarded(field) {
                entry.forEachPrefix { prefix in
                    switch prefix {
                    case .v4(let prefix): v4.append(prefix.range)
                    case .v6(let prefix): v6.append(prefix.range)
                    }
                }
            }
            sets[field] = (IPv4Set(ranges: v4), IPv6Set(ranges: v6))
        }
    }

    /// Sets already merged, e.g. read back from a table (`CompiledShape`).
    init(sets: [AddressField: (v4: IPv4Set, v6: IPv6Set)]) {
        self.sets = sets
    }

    func elements(_ field: AddressField, _ family: AddressFamily) -> SetElements? {
        guard let pair = sets[field] else { return nil }
        switch family {
        case .ipv4: return pair.v4.isEmpty ? nil : .ipv4(pair.v4)
        case .ipv6: return pair.v6.isEmpty ? nil : .ipv6(pair.v6)
        }
    }
}
