/// Runs packets through a compiled Ruleset along the Linux receive path (DESIGN.md,
/// ADDRESSES.md), never through the policy: what is evaluated is what the kernel gets.
///
/// Stages, for the hooks present in the ruleset:
/// 1. ingress chains (netdev, and inet ingress) bound to the input device, by priority;
/// 2. a packet whose input interface is a bridge port is taken to be *forwarded by the
///    bridge*: it then meets the bridge-family prerouting chains and nothing else (no IP
///    stack checks, no inet chains — as a bridged frame on Linux), and is accepted after them;
/// 3. IPv6: the `ip6_rcv_core` checks (::1 source or destination dropped unless the device
///    is loopback or a VRF; multicast source);
/// 4. inet/ip/ip6 prerouting chains by priority;
/// 5. IPv4: the route-input martian checks (127/8 unless `route_localnet`, 0/8, multicast and
///    limited-broadcast sources; none for packets on the loopback device).
/// Hooks after the routing decision (input, forward) are not part of this model.
///
/// Within a stage, `drop` and `reject` are final and `accept` ends only its base chain.
/// Counters count every packet that reaches them, adding the packet's layer-3 length.
/// `limit` is a token bucket as in the kernel's nft_limit (burst packets in the bucket at
/// start, refilled at `rate` per `unit`) on a clock where consecutive packets are
/// `options.packetSpacing` nanoseconds apart — 0 by default, i.e. the input is one burst.
public struct Evaluator: Sendable {
    public struct Options: Hashable, Sendable {
        /// Apply the kernel's own checks (stages 3 and 5). Off models a kernel where they do
        /// not apply (route_localnet on everywhere, an older kernel).
        public var kernelChecks: Bool
        /// Nanoseconds between consecutive packets, for `limit` statements.
        public var packetSpacing: UInt64

        public init(kernelChecks: Bool = true, packetSpacing: UInt64 = 0) {
            self.kernelChecks = kernelChecks
            self.packetSpacing = packetSpacing
        }
    }

    /// A verdict and who gave it, without the trace: what the allocation-free path returns.
    public struct Outcome: Hashable, Sendable {
        public var verdict: PacketVerdict
        public var decision: Decision
    }

    let program: Program
    public let options: Options
    /// Every rule of the ruleset, indexed as in `Decision` and `counters`.
    public let rules: [RuleReference]
    /// Per rule: what its counter statement counted so far (zero for rules without one).
    public private(set) var counters: [Counter]
    /// Per rule: how many times its log statement fired.
    public private(set) var logCounts: [UInt64]
    private var buckets: [TokenBucket]
    private var clock: UInt64 = 0
    private var started = false
    private var interfaces: InterfaceFactsCache
    /// Per chain: whether it sees IPv4 and IPv6 packets — `families` as two flags, so that the
    /// per-packet path does not hash into a Set.
    private let chainSees: [(ipv4: Bool, ipv6: Bool)]

    public init(ruleset: Ruleset, options: Options = Options()) throws(EvaluatorError) {
        try self.init(ruleset: ruleset, options: options, adjusting: { _ in })
    }

    /// For tests that check that a wrong evaluator is caught (mutation testing): `adjust`
    /// may alter the compiled program before any packet runs.
    init(ruleset: Ruleset, options: Options, adjusting adjust: (inout Program) -> Void) throws(EvaluatorError) {
        var program = try Program(ruleset)
        adjust(&program)
        self.init(program: program, options: options)
    }

    /// `exhaustedLimits`: limits whose bucket starts empty, so that a counterexample found for
    /// "this limit is exceeded" replays as such.
    init(program: Program, options: Options, exhaustedLimits: Set<Int> = []) {
        self.program = program
        self.options = options
        rules = program.rules.map(\.reference)
        counters = Array(repeating: Counter(), count: program.rules.count)
        logCounts = Array(repeating: 0, count: program.rules.count)
        buckets = program.limits.enumerated().map { index, limit in TokenBucket(limit, empty: exhaustedLimits.contains(index)) }
        interfaces = InterfaceFactsCache(tests: program.interfaceTests)
        chainSees = program.chains.map { ($0.families.contains(.ipv4), $0.families.contains(.ipv6)) }
    }

    private func sees(_ chain: Int, _ family: AddressFamily) -> Bool {
        family == .ipv4 ? chainSees[chain].ipv4 : chainSees[chain].ipv6
    }

    /// Base chains on hooks the model does not reach (input, forward, …).
    public var unmodeledChains: [ChainReference] { program.unmodeledChains }

    /// Runs one packet; counters, logs and limits advance.
    public mutating func evaluate(_ packet: Packet) -> Evaluation {
        var trace = RecordingTrace()
        let outcome = run(packet, &trace)
        return Evaluation(verdict: outcome.verdict, decider: decider(outcome.decision),
                          countedRules: trace.counted.map { rules[$0] }, loggedRules: trace.logged.map { rules[$0] })
    }

    /// Runs one packet without recording which rules counted it: no allocation per packet.
    public mutating func decide(_ packet: Packet) -> Outcome {
        var trace = NoTrace()
        return run(packet, &trace)
    }

    /// Runs one packet like `decide` and also counts the rules entered and the statements
    /// (matches, counters, verdicts…) executed for it: the per-packet work of the data plane.
    public mutating func measure(_ packet: Packet) -> (outcome: Outcome, statistics: EvaluationStatistics) {
        var trace = CountingTrace()
        let outcome = run(packet, &trace)
        return (outcome, trace.statistics)
    }

    public func decider(_ decision: Decision) -> Decider {
        switch decision {
        case .rule(let rule, let via): .rule(rules[rule], via: via.map { rules[$0] })
        case .chainPolicy(let chain): .chainPolicy(program.chains[chain].reference)
        case .kernel(let stage): .kernel(stage)
        case .nobody: .nobody
        }
    }

    // MARK: - The receive path

    private mutating func run<Trace: EvaluationTrace>(_ packet: Packet, _ trace: inout Trace) -> Outcome {
        if started { clock &+= options.packetSpacing } else { started = true }
        let facts = interfaces.facts(for: packet.inputInterface.name)
        let fields = PacketFields(packet)
        var lastAccept: Decision = .nobody

        for chain in program.ingressChains where sees(chain, fields.family) {
            guard let devices = program.chains[chain].deviceTest, facts.matches(devices) else { continue }
            if let stop = runBase(chain, fields, facts, packet.length, &lastAccept, &trace) { return stop }
        }
        if packet.inputInterface.kind == .bridgePort {
            for chain in program.bridgeChains {
                if let stop = runBase(chain, fields, facts, packet.length, &lastAccept, &trace) { return stop }
            }
            return Outcome(verdict: .accepted, decision: lastAccept)
        }
        if fields.encapsulation.isWrappedForHooks {
            return Outcome(verdict: .dropped, decision: .kernel(.wrappedFrame(fields.encapsulation.kind)))
        }
        if options.kernelChecks, fields.family == .ipv6,
           let stage = KernelChecks.ipv6Core(source: IPv6Address(bits: fields.source6), destination: IPv6Address(bits: fields.destination6),
                                             kind: packet.inputInterface.kind) {
            return Outcome(verdict: .dropped, decision: .kernel(stage))
        }
        for chain in program.preroutingChains where sees(chain, fields.family) {
            if let stop = runBase(chain, fields, facts, packet.length, &lastAccept, &trace) { return stop }
        }
        if options.kernelChecks, fields.family == .ipv4,
           let stage = KernelChecks.ipv4RouteInput(source: IPv4Address(bits: fields.source4), destination: IPv4Address(bits: fields.destination4),
                                                   kind: packet.inputInterface.kind, routeLocalnet: packet.routeLocalnet) {
            return Outcome(verdict: .dropped, decision: .kernel(stage))
        }
        return Outcome(verdict: .accepted, decision: lastAccept)
    }

    /// Runs a base chain; returns the outcome when the packet goes no further.
    private mutating func runBase<Trace: EvaluationTrace>(
        _ chain: Int, _ fields: PacketFields, _ facts: InterfaceFacts, _ length: Int,
        _ lastAccept: inout Decision, _ trace: inout Trace
    ) -> Outcome? {
        switch runChain(chain, entry: nil, fields, facts, length, &trace) {
        case .fellThrough, .returned:
            guard program.chains[chain].base?.policy == .drop else { return nil }
            return Outcome(verdict: .dropped, decision: .chainPolicy(chain))
        case .accepted(let rule, let via):
            lastAccept = .rule(rule, via: via)
            return nil
        case .stopped(let verdict, let rule, let via):
            return Outcome(verdict: verdict, decision: .rule(rule, via: via))
        }
    }

    private enum ChainExit {
        case fellThrough, returned
        case accepted(rule: Int, via: Int?)
        case stopped(PacketVerdict, rule: Int, via: Int?)
    }

    private mutating func runChain<Trace: EvaluationTrace>(
        _ chain: Int, entry: Int?, _ fields: PacketFields, _ facts: InterfaceFacts, _ length: Int, _ trace: inout Trace
    ) -> ChainExit {
        nextRule: for rule in program.chains[chain].rules {
            trace.enteredRule()
            for step in program.rules[rule].steps {
                trace.executedStep()
                switch step {
                case .interface(let test, let negated):
                    if facts.matches(test) == negated { continue nextRule }
                case .family(let family, let negated):
                    if (fields.networkFamily == family) == negated { continue nextRule }
                case .ipv4(let field, let set, let negated):
                    guard fields.networkFamily == .ipv4 else { continue nextRule }
                    let address = field == .source ? fields.source4 : fields.destination4
                    if (program.ipv4Sets[set].index(containing: address) != nil) == negated { continue nextRule }
                case .ipv6(let field, let set, let negated):
                    guard fields.networkFamily == .ipv6 else { continue nextRule }
                    let address = field == .source ? fields.source6 : fields.destination6
                    if (program.ipv6Sets[set].index(containing: address) != nil) == negated { continue nextRule }
                case .linkBytes(let offset, let value, let negated):
                    let data = program.linkValues[value]
                    // A load past the frame's end ends the rule, negated or not (NFT_BREAK).
                    guard let loaded = fields.linkLoad(offset: offset, count: data.count) else { continue nextRule }
                    if (loaded == data) == negated { continue nextRule }
                case .linkLookup(let offset, let family, let set, let negated):
                    guard let loaded = fields.linkLoad(offset: offset, count: Int(family.addressLength)) else { continue nextRule }
                    let found = switch family {
                    case .ipv4: program.ipv4Sets[set].index(containing: loaded.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }) != nil
                    case .ipv6: program.ipv6Sets[set].index(containing: loaded.reduce(UInt128(0)) { $0 << 8 | UInt128($1) }) != nil
                    }
                    if found == negated { continue nextRule }
                case .transportIsTCP:
                    if !fields.isTCP { continue nextRule }
                case .counter:
                    counters[rule].packets &+= 1
                    counters[rule].bytes &+= UInt64(max(length, 0))
                    trace.counted(rule)
                case .limit(let limit):
                    if !buckets[limit].take(at: clock) { continue nextRule }
                case .log:
                    logCounts[rule] &+= 1
                    trace.logged(rule)
                case .reject:
                    return .stopped(.rejected, rule: rule, via: entry)
                case .verdict(let verdict):
                    switch verdict {
                    case .accept: return .accepted(rule: rule, via: entry)
                    case .drop: return .stopped(.dropped, rule: rule, via: entry)
                    case .continue: continue nextRule
                    case .return: return .returned
                    case .jump(let target):
                        switch runChain(target, entry: entry ?? rule, fields, facts, length, &trace) {
                        case .fellThrough, .returned: continue nextRule
                        case let exit: return exit
                        }
                    case .goto(let target):
                        switch runChain(target, entry: entry ?? rule, fields, facts, length, &trace) {
                        case .fellThrough, .returned: return .returned
                        case let exit: return exit
                        }
                    }
                }
            }
        }
        return .fellThrough
    }
}

/// What one packet cost the evaluator: rules entered and statements executed, across every
/// chain it passed (a set lookup is one statement, whatever the set's size).
public struct EvaluationStatistics: Hashable, Sendable {
    public var rules = 0
    public var statements = 0
}

/// Hooks the evaluator calls as it goes; the default ones do nothing and, specialised, cost nothing.
protocol EvaluationTrace {
    mutating func counted(_ rule: Int)
    mutating func logged(_ rule: Int)
    mutating func enteredRule()
    mutating func executedStep()
}

extension EvaluationTrace {
    func enteredRule() {}
    func executedStep() {}
}

struct NoTrace: EvaluationTrace {
    /// One byte, so `&trace` is a real stack address: ThreadSanitizer's exclusivity hooks
    /// crash on the placeholder address Swift gives an empty struct passed `inout`.
    private var storage: UInt8 = 0
    func counted(_ rule: Int) {}
    func logged(_ rule: Int) {}
}

struct RecordingTrace: EvaluationTrace {
    var counted: [Int] = []
    var logged: [Int] = []
    mutating func counted(_ rule: Int) { counted.append(rule) }
    mutating func logged(_ rule: Int) { logged.append(rule) }
}

struct CountingTrace: EvaluationTrace {
    var statistics = EvaluationStatistics()
    func counted(_ rule: Int) {}
    func logged(_ rule: Int) {}
    mutating func enteredRule() { statistics.rules += 1 }
    mutating func executedStep() { statistics.statements += 1 }
}
