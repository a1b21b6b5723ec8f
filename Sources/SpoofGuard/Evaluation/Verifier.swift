/// Proves a compiled Ruleset against the intent of its Policy, for every interface class and
/// both families, by exact interval arithmetic over all source and destination addresses:
///
/// (a) on an external interface, every packet with a guarded source (always including
///     127.0.0.0/8 and ::1) or a guarded destination is dropped by a spoofguard rule, with the
///     kernel's own checks assumed off — the guarantee must not rest on sysctls; where the
///     kernel would drop it as well is reported beside;
/// (b) nothing arriving on lo, or on an internal interface, is dropped;
/// (c) on every interface, nothing whose source and destination are both unguarded is
///     dropped (no collateral damage).
///
/// Where a `limit` or a TCP-only `reject` makes a rule's effect depend on more than the
/// addresses, every combination is walked: (a) must hold in all of them, (c) in each.
public struct Verifier: Sendable {
    let program: Program
    public let policy: Policy
    private let scenarios: [WalkScenario]
    /// The interfaces to prove for, when given (`audit`: the live links); otherwise the
    /// classes the policy's patterns make.
    private let givenClasses: [InterfaceClass]?

    public init(ruleset: Ruleset, policy: Policy, classes: [InterfaceClass]? = nil) throws(EvaluatorError) {
        program = try Program(ruleset)
        self.policy = policy
        scenarios = Self.scenarios(program)
        givenClasses = classes
    }

    public func verify() -> VerificationReport {
        let (classes, notes) = givenClasses.map { ($0, [String]()) } ?? InterfaceClass.classes(of: policy)
        var results: [PropertyResult] = []
        let paths: [ReceivePath] = program.bridgeChains.isEmpty ? [.routed] : [.routed, .bridged]
        // Built once per family, not per class and path: each is a sort of every guarded prefix.
        var v4 = SharedWork(sources: guarded(.source, IPv4Address.self), destinations: guarded(.destination, IPv4Address.self))
        var v6 = SharedWork(sources: guarded(.source, IPv6Address.self), destinations: guarded(.destination, IPv6Address.self))
        for interfaceClass in classes {
            for path in paths where !(interfaceClass.role == .loopback && path == .bridged) {
                for encapsulation in encapsulations(on: path) {
                    results += check(interfaceClass, path, encapsulation, &v4)
                    results += check(interfaceClass, path, encapsulation, &v6)
                }
            }
        }
        var allNotes = notes
        if Self.relevantLimits(program).count > Self.maximumVariedLimits {
            allNotes.append("more than \(Self.maximumVariedLimits) rate limits decide verdicts; only the first \(Self.maximumVariedLimits) were varied, the rest taken as within their rate")
        }
        allNotes += program.unmodeledChains.map { "\($0.tableFamily.rawValue) \($0.table) chain \($0.chain) sits on a hook after routing and is not part of the proof" }
        return VerificationReport(classes: classes, results: results, notes: allNotes)
    }

    /// The encapsulations proved on `path`: untagged (and so one offloaded tag) always; the
    /// ones the kernel leaves wrapped wherever a hook sees them wrapped — the bridge hook on
    /// the bridged path, the ingress hook on both. (On the routed path without an ingress
    /// hook they never reach a spoofguard chain, nor the IP stack.)
    func encapsulations(on path: ReceivePath) -> [LinkEncapsulation] {
        let seenWrapped = path == .bridged || !program.ingressChains.isEmpty
        return [.untagged] + (seenWrapped ? LinkEncapsulation.guarded : [])
    }

    /// The guarded addresses of a field and family; the loopback source is always required.
    func guarded<Address: IPAddressProtocol>(_ field: AddressField, _: Address.Type) -> IntervalSet<Address> {
        var ranges: [ClosedRange<Address.Bits>] = []
        for entry in policy.guarded(field) {
            entry.forEachPrefix { prefix in
                switch prefix {
                case .v4(let prefix) where Address.family == .ipv4: ranges.append(prefix.range as! ClosedRange<Address.Bits>)
                case .v6(let prefix) where Address.family == .ipv6: ranges.append(prefix.range as! ClosedRange<Address.Bits>)
                default: break
                }
            }
        }
        if field == .source {
            // 127.0.0.0/8 or ::1/128.
            let loopback = Address.family == .ipv4 ? Prefix(network: Address(bits: 0x7f << 24), length: 8)!
                                                   : Prefix(host: Address(bits: 1))
            ranges.append(loopback.range)
        }
        return IntervalSet(ranges: ranges)
    }

    /// The work of one family shared between interface classes. A walk sees the interface
    /// only through which interface tests its name passes (`InterfaceFacts.mask`), so classes
    /// with the same mask (typically every external interface) drop the same region, and
    /// their property outcomes and kernel overlaps are computed once.
    struct SharedWork<Address: IPAddressProtocol> {
        typealias Area = Region<Address>
        struct WalkKey: Hashable {
            var mask: UInt64
            var path: ReceivePath
            var encapsulation: LinkEncapsulation
        }
        struct OutcomeKey: Hashable {
            var walk: WalkKey
            var property: VerifiedProperty
        }
        let sources: IntervalSet<Address>
        let destinations: IntervalSet<Address>
        let guardedSources: Area
        let guardedDestinations: Area
        /// What may be dropped on an external or unmatched interface.
        let allowed: Area
        var drops: [WalkKey: [(scenario: WalkScenario, dropped: Area)]] = [:]
        /// The first scenario and area where a property fails, nil when it holds.
        var outcomes: [OutcomeKey: (scenario: WalkScenario, area: Area)?] = [:]
        var kernel: [KernelKey: KernelFacts<Address>] = [:]
        /// Sizes for the report lines, each a walk over up to 100 k ranges.
        let sourceCount: AddressCount, destinationCount: AddressCount
        let unguardedSourceCount: AddressCount, unguardedDestinationCount: AddressCount

        init(sources: IntervalSet<Address>, destinations: IntervalSet<Address>) {
            self.sources = sources
            self.destinations = destinations
            sourceCount = sources.count
            destinationCount = destinations.count
            unguardedSourceCount = sources.complement.count
            unguardedDestinationCount = destinations.complement.count
            guardedSources = Area(source: sources, destination: .all)
            guardedDestinations = Area(source: .all, destination: destinations)
            allowed = guardedSources.union(guardedDestinations)
        }
    }

    /// Kernel facts differ by field and by whether `route_localnet` turns the 127/8 checks off.
    struct KernelKey: Hashable {
        var field: AddressField
        var routeLocalnet: Bool
    }

    private func check<Address: IPAddressProtocol>(_ interfaceClass: InterfaceClass, _ path: ReceivePath,
                                                   _ encapsulation: LinkEncapsulation,
                                                   _ shared: inout SharedWork<Address>) -> [PropertyResult] {
        typealias Area = Region<Address>
        let walk = SharedWork<Address>.WalkKey(mask: InterfaceFacts(name: interfaceClass.name, tests: program.interfaceTests).mask,
                                               path: path, encapsulation: encapsulation)
        let drops = shared.drops[walk] ?? scenarios.map { scenario in
            var scenario = scenario
            scenario.encapsulation = encapsulation
            return (scenario, SymbolicWalk<Address>(program: program, interfaceName: interfaceClass.name, scenario: scenario).dropped(on: path))
        }
        shared.drops[walk] = drops
        let family = Address.family
        var results: [PropertyResult] = []

        func result(_ property: VerifiedProperty, sources: AddressCount, destinations: AddressCount,
                    failure: (scenario: WalkScenario, area: Area)?) -> PropertyResult {
            PropertyResult(property: property, interfaceClass: interfaceClass, family: family, path: path,
                           encapsulation: encapsulation, sources: sources, destinations: destinations,
                           counterexample: failure.flatMap { counterexample($0.area, scenario: $0.scenario, interfaceClass, path) },
                           kernel: nil)
        }
        /// `area` must be dropped in every scenario.
        func mustDrop(_ area: Area) -> (scenario: WalkScenario, area: Area)? {
            for (scenario, dropped) in drops {
                let missed = area.subtracting(dropped)
                if !missed.isEmpty { return (scenario, missed) }
            }
            return nil
        }
        /// Nothing outside `allowed` may be dropped in any scenario.
        func mayDropOnly(_ allowed: Area) -> (scenario: WalkScenario, area: Area)? {
            for (scenario, dropped) in drops {
                let extra = dropped.subtracting(allowed)
                if !extra.isEmpty { return (scenario, extra) }
            }
            return nil
        }
        /// The outcome of `property` for this walk, worked out once per walk.
        func outcome(_ property: VerifiedProperty, _ compute: () -> (scenario: WalkScenario, area: Area)?) -> (scenario: WalkScenario, area: Area)? {
            let key = SharedWork<Address>.OutcomeKey(walk: walk, property: property)
            if let known = shared.outcomes[key] { return known }
            let computed = compute()
            shared.outcomes[key] = .some(computed)
            return computed
        }
        func kernelOverlap(_ area: Area, guarding field: AddressField) -> KernelOverlap {
            let key = KernelKey(field: field, routeLocalnet: interfaceClass.routeLocalnet)
            let facts = shared.kernel[key] ?? kernelFacts(area, guarding: field, routeLocalnet: key.routeLocalnet)
            shared.kernel[key] = facts
            return facts.overlap(interfaceClass)
        }

        let everything = IntervalSet<Address>.all.count
        let allowed = shared.allowed
        switch interfaceClass.role {
        case .external:
            let guardedSources = shared.guardedSources
            var sourceResult = result(.guardedSourcesDropped, sources: shared.sourceCount, destinations: everything,
                                      failure: outcome(.guardedSourcesDropped) { mustDrop(guardedSources) })
            // The kernel's address checks see only what reaches the IP stack unwrapped.
            let kernelSees = path == .routed && !encapsulation.isWrappedForHooks
            if kernelSees { sourceResult.kernel = kernelOverlap(guardedSources, guarding: .source) }
            results.append(sourceResult)
            if !shared.destinations.isEmpty {
                let guardedDestinations = shared.guardedDestinations
                var destinationResult = result(.guardedDestinationsDropped, sources: everything, destinations: shared.destinationCount,
                                               failure: outcome(.guardedDestinationsDropped) { mustDrop(guardedDestinations) })
                if kernelSees { destinationResult.kernel = kernelOverlap(guardedDestinations, guarding: .destination) }
                results.append(destinationResult)
            }
            results.append(result(.noCollateralDamage, sources: shared.unguardedSourceCount,
                                  destinations: shared.unguardedDestinationCount,
                                  failure: outcome(.noCollateralDamage) { mayDropOnly(allowed) }))
        case .unmatched:
            results.append(result(.noCollateralDamage, sources: shared.unguardedSourceCount,
                                  destinations: shared.unguardedDestinationCount,
                                  failure: outcome(.noCollateralDamage) { mayDropOnly(allowed) }))
        case .loopback:
            results.append(result(.loopbackNeverFiltered, sources: everything, destinations: everything,
                                  failure: outcome(.loopbackNeverFiltered) { mayDropOnly(.empty) }))
        case .internal:
            results.append(result(.internalNeverFiltered, sources: everything, destinations: everything,
                                  failure: outcome(.internalNeverFiltered) { mayDropOnly(.empty) }))
        }
        return results
    }

    /// A concrete packet from `area`, with what the evaluator (kernel checks off) does to it.
    private func counterexample<Address: IPAddressProtocol>(
        _ area: Region<Address>, scenario: WalkScenario, _ interfaceClass: InterfaceClass, _ path: ReceivePath
    ) -> Counterexample? {
        guard let (source, destination) = area.example else { return nil }
        var packet = Packet(inputInterface: InputInterface(name: interfaceClass.name, kind: path == .bridged ? .bridgePort : interfaceClass.kind),
                            source: Self.address(source), destination: Self.address(destination),
                            transport: scenario.isTCP ? .tcp : .udp, destinationPort: scenario.isTCP ? 80 : 53,
                            routeLocalnet: true)
        packet.encapsulation = scenario.encapsulation
        let exceeded = Set(program.limits.indices).subtracting(scenario.limitsWithinRate)
        let relevant = Self.relevantLimits(program)
        var evaluator = Evaluator(program: program, options: .init(kernelChecks: false), exhaustedLimits: exceeded)
        let evaluation = evaluator.evaluate(packet)
        let note = relevant.isDisjoint(with: exceeded) ? nil : "when a rate limit of the rules is exceeded"
        return Counterexample(packet: packet, verdict: evaluation.verdict, decider: evaluation.decider, condition: note)
    }

    static func address<Address: IPAddressProtocol>(_ address: Address) -> IPAddress {
        if let v4 = address as? IPv4Address { return .v4(v4) }
        return .v6(address as! IPv6Address)
    }

    /// Where the kernel would drop a guarded area too, apart from the interface the example
    /// packet names: the same for every external class, so worked out once per area.
    struct KernelFacts<Address: IPAddressProtocol> {
        var dropsAll: Bool
        var dropsSome: Bool
        var typicalStage: KernelStage?
        var stages: [KernelStage]
        var gapExample: (source: Address, destination: Address)?

        func overlap(_ interfaceClass: InterfaceClass) -> KernelOverlap {
            let example = gapExample.map { pair in
                Packet(inputInterface: InputInterface(name: interfaceClass.name, kind: interfaceClass.kind),
                       source: Verifier.address(pair.source), destination: Verifier.address(pair.destination), transport: .udp, destinationPort: 53)
            }
            return KernelOverlap(dropsAll: dropsAll, dropsSome: dropsSome, typicalStage: typicalStage,
                                 stages: stages, gapExample: example)
        }
    }

    /// Where the kernel (a current kernel, a routed path on an ordinary device, route_localnet
    /// as given) would drop the guarded area too.
    private func kernelFacts<Address: IPAddressProtocol>(_ area: Region<Address>, guarding field: AddressField,
                                                         routeLocalnet: Bool) -> KernelFacts<Address> {
        let kernel = KernelRegion.dropped(Address.self, routeLocalnet: routeLocalnet)
        let covered = area.intersection(kernel.region)
        let stages = Swift.Set(kernel.stages.filter { !area.intersection($0.cell).isEmpty }.map(\.stage))
        let gap = area.subtracting(kernel.region)
        // The check that drops a typical guarded packet (127.0.0.1 -> 192.0.2.1 for a source
        // guard, 192.0.2.1 -> 127.0.0.1 for a destination guard), for the report line.
        let ordinary = try! Address(parsing: Address.family == .ipv4 ? "192.0.2.1" : "2001:db8::1")
        let typical = area.boxes.first.flatMap { box -> KernelStage? in
            let source = field == .source ? Region<Address>.representative(of: box.source) : ordinary
            let destination = field == .destination ? Region<Address>.representative(of: box.destination) : ordinary
            return kernel.stages.first { $0.cell.contains(source: source, destination: destination) }?.stage
        }
        return KernelFacts(dropsAll: gap.isEmpty, dropsSome: !covered.isEmpty, typicalStage: typical,
                           stages: stages.sorted { $0.description < $1.description }, gapExample: gap.example)
    }

    /// Every combination of limit outcomes is walked; beyond this many, 2^n walks would take too long.
    static let maximumVariedLimits = 10

    /// Limits whose outcome can change a verdict: those in rules that end in one.
    static func relevantLimits(_ program: Program) -> Swift.Set<Int> {
        var relevant = Swift.Set<Int>()
        for rule in program.rules {
            let decisive = rule.steps.contains { step in
                switch step {
                case .reject: true
                case .verdict(let verdict): verdict != .continue
                default: false
                }
            }
            guard decisive else { continue }
            for case .limit(let limit) in rule.steps { relevant.insert(limit) }
        }
        return relevant
    }

    /// Every combination of what the addresses leave open. Irrelevant limits stay within rate.
    static func scenarios(_ program: Program) -> [WalkScenario] {
        let usesTCP = program.rules.contains { $0.steps.contains(.transportIsTCP) }
        let relevant = Array(relevantLimits(program)).sorted().prefix(maximumVariedLimits)
        let irrelevant = Swift.Set(program.limits.indices).subtracting(relevant)
        var result: [WalkScenario] = []
        for isTCP in usesTCP ? [false, true] : [false] {
            for combination in 0..<(1 << relevant.count) {
                var within = irrelevant
                for (bit, limit) in relevant.enumerated() where combination & (1 << bit) != 0 { within.insert(limit) }
                result.append(.init(isTCP: isTCP, limitsWithinRate: within))
            }
        }
        return result
    }
}

public enum ReceivePath: String, Hashable, Sendable, Codable {
    /// Ingress, then inet/ip/ip6 prerouting: a packet for the host or to be routed.
    case routed
    /// Ingress, then bridge prerouting: a frame the bridge forwards.
    case bridged
}

/// The kernel's own drops as an exact region, built from the concrete checks cell by cell.
enum KernelRegion {
    struct Stage<Address: IPAddressProtocol> {
        var cell: Region<Address>
        var stage: KernelStage
    }

    static func dropped<Address: IPAddressProtocol>(_: Address.Type, routeLocalnet: Bool = false) -> (region: Region<Address>, stages: [Stage<Address>]) {
        var region = Region<Address>.empty
        var stages: [Stage<Address>] = []
        let sourceCells: [IntervalSet<Address>]
        let destinationCells: [IntervalSet<Address>]
        if Address.family == .ipv4 {
            sourceCells = KernelChecks.ipv4SourceCells as! [IntervalSet<Address>]
            destinationCells = KernelChecks.ipv4DestinationCells as! [IntervalSet<Address>]
        } else {
            sourceCells = KernelChecks.ipv6SourceCells as! [IntervalSet<Address>]
            destinationCells = KernelChecks.ipv6DestinationCells as! [IntervalSet<Address>]
        }
        for sourceCell in sourceCells {
            for destinationCell in destinationCells {
                let source = sourceCell.first!, destination = destinationCell.first!
                let stage: KernelStage? = if Address.family == .ipv4 {
                    KernelChecks.ipv4RouteInput(source: source as! IPv4Address, destination: destination as! IPv4Address,
                                                kind: .ordinary, routeLocalnet: routeLocalnet)
                } else {
                    KernelChecks.ipv6Core(source: source as! IPv6Address, destination: destination as! IPv6Address, kind: .ordinary)
                }
                guard let stage else { continue }
                let cell = Region<Address>(source: sourceCell, destination: destinationCell)
                region = region.union(cell)
                stages.append(Stage(cell: cell, stage: stage))
            }
        }
        return (region, stages)
    }
}
