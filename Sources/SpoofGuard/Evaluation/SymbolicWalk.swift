/// The evaluator's chain semantics over regions of (source, destination) pairs instead of
/// single packets, for one interface, one family and one resolution of the choices a
/// packet's addresses do not fix (whether it is TCP, which `limit`s are within their rate).
/// It reads the same compiled `Program` as `Evaluator`, step for step.
struct SymbolicWalk<Address: IPAddressProtocol> {
    typealias Area = Region<Address>

    let program: Program
    let facts: InterfaceFacts
    let scenario: WalkScenario
    let sets: [IntervalSet<Address>]

    init(program: Program, interfaceName: String, scenario: WalkScenario) {
        self.program = program
        facts = InterfaceFacts(name: interfaceName, tests: program.interfaceTests)
        self.scenario = scenario
        // The step kind (.ipv4 / .ipv6) fixes the family, so only one table is read.
        sets = Address.family == .ipv4 ? program.ipv4Sets as! [IntervalSet<Address>] : program.ipv6Sets as! [IntervalSet<Address>]
    }

    /// Everything spoofguard's chains drop on `path`, the kernel's own checks left out.
    func dropped(on path: ReceivePath) -> Area {
        var dropped = Area.empty
        var remaining = Area.all
        // A frame still wrapped at the hooks is no IP packet to prerouting (KernelStage.wrappedFrame).
        let stage = path == .bridged ? program.bridgeChains
            : scenario.encapsulation.isWrappedForHooks ? [] : program.preroutingChains
        let ingress = program.ingressChains.filter { chain in
            program.chains[chain].deviceTest.map(facts.matches) ?? false
        }
        for chain in ingress + stage where program.chains[chain].families.contains(Address.family) {
            let exit = run(chain, remaining)
            var chainDropped = exit.dropped
            if program.chains[chain].base?.policy == .drop { chainDropped = chainDropped.union(exit.returned) }
            dropped = dropped.union(chainDropped)
            remaining = remaining.subtracting(chainDropped)
        }
        return dropped
    }

    enum Effect {
        case none, drop, accept, `return`
        case jump(Int), goto(Int)
    }

    /// The box of pairs a rule matches and what it then does; nil when it cannot match here.
    func match(_ rule: Int) -> (box: Area.Box, effect: Effect)? {
        var box = Area.Box(source: .all, destination: .all)
        func narrow(_ field: AddressField, _ set: Int, _ negated: Bool) {
            // A − S rather than A ∩ ¬S: no complement of a 100 k-range set per rule and walk.
            func apply(_ side: IntervalSet<Address>) -> IntervalSet<Address> {
                negated ? side.subtracting(sets[set]) : side.intersection(sets[set])
            }
            if field == .source { box.source = apply(box.source) } else { box.destination = apply(box.destination) }
        }
        for step in program.rules[rule].steps {
            switch step {
            case .interface(let test, let negated):
                if facts.matches(test) == negated { return nil }
            case .family(let family, let negated):
                if (scenario.networkFamily(Address.family) == family) == negated { return nil }
            case .ipv4(let field, let set, let negated):
                guard scenario.networkFamily(Address.family) == .ipv4 else { return nil }
                narrow(field, set, negated)
            case .ipv6(let field, let set, let negated):
                guard scenario.networkFamily(Address.family) == .ipv6 else { return nil }
                narrow(field, set, negated)
            case .linkBytes(let offset, let value, let negated):
                let data = program.linkValues[value]
                guard let loaded = scenario.linkLoad(Address.family, offset: offset, count: data.count) else { return nil }
                if (loaded == data) == negated { return nil }
            case .linkLookup(let offset, let family, let set, let negated):
                // The rule reads an address of the wrapped packet: narrow like `ip saddr`;
                // any other load of an address's length cannot match a packet of this shape.
                let networkOffset = Int(scenario.encapsulation.networkOffset)
                guard family == Address.family, offset >= networkOffset,
                      let (_, field) = HeaderField.address(atNetworkOffset: UInt32(offset - networkOffset),
                                                           length: family.addressLength, families: [family]) else { return nil }
                narrow(field, set, negated)
            case .transportIsTCP:
                if !scenario.isTCP { return nil }
            case .counter, .log:
                continue
            case .limit(let limit):
                if !scenario.limitsWithinRate.contains(limit) { return nil }
            case .reject:
                return box.isEmpty ? nil : (box, .drop)
            case .verdict(let verdict):
                if box.isEmpty { return nil }
                switch verdict {
                case .accept: return (box, .accept)
                case .drop: return (box, .drop)
                case .continue: return (box, .none)
                case .return: return (box, .return)
                case .jump(let target): return (box, .jump(target))
                case .goto(let target): return (box, .goto(target))
                }
            }
        }
        return (box, .none)
    }

    struct Exit {
        var dropped = Area.empty
        var accepted = Area.empty
        var returned = Area.empty
    }

    /// First-match semantics: each rule takes its box out of what is still running.
    func run(_ chain: Int, _ input: Area) -> Exit {
        var exit = Exit()
        var remaining = input
        for rule in program.chains[chain].rules {
            if remaining.isEmpty { break }
            guard let (box, effect) = match(rule) else { continue }
            let hit = remaining.intersection(box)
            if hit.isEmpty { continue }
            switch effect {
            case .none:
                continue
            case .drop:
                exit.dropped = exit.dropped.union(hit)
                remaining = remaining.subtracting(hit)
            case .accept:
                exit.accepted = exit.accepted.union(hit)
                remaining = remaining.subtracting(hit)
            case .return:
                exit.returned = exit.returned.union(hit)
                remaining = remaining.subtracting(hit)
            case .jump(let target):
                let called = run(target, hit)
                exit.dropped = exit.dropped.union(called.dropped)
                exit.accepted = exit.accepted.union(called.accepted)
                remaining = remaining.subtracting(called.dropped).subtracting(called.accepted)
            case .goto(let target):
                let called = run(target, hit)
                exit.dropped = exit.dropped.union(called.dropped)
                exit.accepted = exit.accepted.union(called.accepted)
                exit.returned = exit.returned.union(called.returned)
                remaining = remaining.subtracting(hit)
            }
        }
        exit.returned = exit.returned.union(remaining)
        return exit
    }
}

/// What a packet's addresses leave open, fixed for one walk.
struct WalkScenario: Hashable, Sendable {
    var isTCP: Bool
    /// Limits (by index) that the packet finds within their rate.
    var limitsWithinRate: Set<Int>
    /// How the frame carries the packet; one walk per encapsulation the hook can see.
    var encapsulation: LinkEncapsulation = .untagged

    /// What `meta protocol`/`nfproto` make of the packet: nothing while it is still wrapped.
    func networkFamily(_ family: AddressFamily) -> AddressFamily? {
        encapsulation.isWrappedForHooks ? nil : family
    }

    /// Link-layer bytes that do not depend on the addresses; nil for loads that reach them
    /// (or anything else of the IP header) or run past it.
    func linkLoad(_ family: AddressFamily, offset: Int, count: Int) -> [UInt8]? {
        let header = encapsulation.linkHeader(for: family, networkLength: Int(ProtocolHeader(family).length))
        guard offset >= 0, count >= 0, offset + count <= header.count else { return nil }
        return Array(header[offset..<(offset + count)])
    }
}
