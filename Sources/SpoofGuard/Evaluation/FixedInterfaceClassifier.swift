/// `Evaluator.decide` partially evaluated for packets that all arrive on one interface with
/// `route_localnet` off (a capture read with `dry-run --iif NAME`), for totals only.
///
/// With the interface fixed, every interface test is a constant, and what is left of the
/// program reads four things: the family, the source, the destination and (for a TCP reset)
/// whether the transport is TCP. Each address field is cut into cells on which every set
/// that the program matches that field against, and every kernel check, gives one answer;
/// cells with the same answers form one class. The outcome of each (source class,
/// destination class, TCP) combination is then *asked of the evaluator itself*, with one
/// representative address per class — so the table is derived from the Program and cannot
/// hold semantics of its own. Per packet: two binary searches and one table read.
///
/// Not built (the caller runs the evaluator per packet) when a `limit` can change an outcome:
/// a token bucket makes the outcome depend on the packets before, not on the packet alone.
/// (Its parts are `var` so that tests can break a copy and see the agreement checks fail.)
struct FixedInterfaceClassifier: Sendable {
    /// The distinct outcomes; the table holds indices into this.
    let outcomes: [Evaluator.Outcome]
    var source4: AddressClasses<UInt32>
    var destination4: AddressClasses<UInt32>
    var source6: AddressClasses<UInt128>
    var destination6: AddressClasses<UInt128>
    /// Whether any rule reads the transport (`reject with tcp reset`): the table then has a
    /// TCP and a non-TCP entry per address pair.
    var readsTransport: Bool
    /// Outcome indices by ((source class × destination classes) + destination class) × (1 or 2) + isTCP.
    var table4: [UInt16]
    var table6: [UInt16]

    /// nil when the program cannot be specialised (see above).
    init?(evaluator: Evaluator, interface: InputInterface) {
        let program = evaluator.program
        guard Self.outcomeIgnoresLimits(program) else { return nil }
        readsTransport = program.rules.contains { $0.steps.contains(.transportIsTCP) }
        let kernel = evaluator.options.kernelChecks
        func sets(_ family: AddressFamily, _ field: AddressField) -> [Int] {
            var result: [Int] = []
            for rule in program.rules {
                for step in rule.steps {
                    switch step {
                    case .ipv4(field, let set, _) where family == .ipv4: result.append(set)
                    case .ipv6(field, let set, _) where family == .ipv6: result.append(set)
                    default: break
                    }
                }
            }
            return result
        }
        source4 = AddressClasses(program.ipv4Sets, using: sets(.ipv4, .source), kernelCells: kernel ? KernelChecks.ipv4SourceCells : [])
        destination4 = AddressClasses(program.ipv4Sets, using: sets(.ipv4, .destination),
                                      kernelCells: kernel ? KernelChecks.ipv4DestinationCells : [])
        source6 = AddressClasses(program.ipv6Sets, using: sets(.ipv6, .source), kernelCells: kernel ? KernelChecks.ipv6SourceCells : [])
        destination6 = AddressClasses(program.ipv6Sets, using: sets(.ipv6, .destination),
                                      kernelCells: kernel ? KernelChecks.ipv6DestinationCells : [])

        var evaluator = evaluator
        var outcomes: [Evaluator.Outcome] = []
        var indices: [Evaluator.Outcome: UInt16] = [:]
        let transports: [TransportProtocol] = readsTransport ? [.udp, .tcp] : [.udp]
        func index(source: IPAddress, destination: IPAddress, transport: TransportProtocol) -> UInt16 {
            let outcome = evaluator.decide(Packet(inputInterface: interface, source: source, destination: destination, transport: transport))
            if let known = indices[outcome] { return known }
            outcomes.append(outcome)
            indices[outcome] = UInt16(outcomes.count - 1)
            return UInt16(outcomes.count - 1)
        }
        var table4: [UInt16] = []
        for source in source4.representatives {
            for destination in destination4.representatives {
                for transport in transports {
                    table4.append(index(source: .v4(IPv4Address(bits: source)), destination: .v4(IPv4Address(bits: destination)), transport: transport))
                }
            }
        }
        var table6: [UInt16] = []
        for source in source6.representatives {
            for destination in destination6.representatives {
                for transport in transports {
                    table6.append(index(source: .v6(IPv6Address(bits: source)), destination: .v6(IPv6Address(bits: destination)), transport: transport))
                }
            }
        }
        // Outcomes are few (each is a rule, chain policy, kernel check or nobody); 2^16 is far.
        guard outcomes.count <= Int(UInt16.max) else { return nil }
        self.outcomes = outcomes
        self.table4 = table4
        self.table6 = table6
    }

    /// The classifier for `packets` and the interface they all arrive on, when they are a
    /// capture read with a fixed interface and the program can be specialised; else nil.
    static func forCapture(_ packets: PacketIterator, evaluator: Evaluator) -> (classifier: Self, interface: InputInterface)? {
        guard packets.isCapture, let interface = packets.fixedInterface,
              let classifier = Self(evaluator: evaluator, interface: interface) else { return nil }
        return (classifier, interface)
    }

    /// Whether no `limit` can change a verdict or decider: after a limit step its rule may
    /// only count, log, match or continue (spoofguard's own `limit … log` rule). A limit
    /// followed by a verdict or reject makes the outcome depend on the packets before.
    static func outcomeIgnoresLimits(_ program: Program) -> Bool {
        for rule in program.rules {
            guard let limit = rule.steps.firstIndex(where: { if case .limit = $0 { true } else { false } }) else { continue }
            for step in rule.steps[limit...] {
                switch step {
                case .reject: return false
                case .verdict(let verdict) where verdict != .continue: return false
                default: break
                }
            }
        }
        return true
    }

    /// Index into `outcomes` of what the evaluator decides for a packet with these fields on
    /// the classifier's interface.
    @inline(__always)
    func outcomeIndex(_ fields: PacketFields) -> Int {
        fields.family == .ipv4
            ? outcomeIndex4(source: fields.source4, destination: fields.destination4, isTCP: fields.isTCP)
            : outcomeIndex6(source: fields.source6, destination: fields.destination6, isTCP: fields.isTCP)
    }

    @inline(__always)
    func outcomeIndex4(source: UInt32, destination: UInt32, isTCP: Bool) -> Int {
        // Class indices are below the class counts, so the products fit (the tables exist).
        let cell = source4.classIndex(of: source) &* destination4.classCount &+ destination4.classIndex(of: destination)
        return Int(table4[readsTransport ? cell << 1 | (isTCP ? 1 : 0) : cell])
    }

    @inline(__always)
    func outcomeIndex6(source: UInt128, destination: UInt128, isTCP: Bool) -> Int {
        let cell = source6.classIndex(of: source) &* destination6.classCount &+ destination6.classIndex(of: destination)
        return Int(table6[readsTransport ? cell << 1 | (isTCP ? 1 : 0) : cell])
    }

    func outcome(_ fields: PacketFields) -> Evaluator.Outcome { outcomes[outcomeIndex(fields)] }
}

/// One address field cut into classes: cell i runs from `starts[i]` up to `starts[i + 1]`
/// (the last to the top of the address space), and every address of a cell answers every
/// set that reads the field, and every kernel check, alike. Cells with the same answers
/// share a class.
struct AddressClasses<Bits: FixedWidthInteger & UnsignedInteger & Sendable>: Sendable {
    /// Sorted; `starts[0] == 0`.
    var starts: [Bits]
    /// Per cell, its class.
    var classes: [UInt32]
    /// Per class, one address in it: the first of its first cell.
    var representatives: [Bits]

    /// Per value of an address's top 8 bits: the class of every address under it, or -1
    /// when a cell starts inside (then `classIndex` searches `starts`). Most traffic lies in
    /// such uniform blocks, and one load replaces the search. Derived by `indexTopBytes()`.
    var byTopByte: [Int32] = []

    var classCount: Int { representatives.count }

    init<Address: IPAddressProtocol>(_ allSets: [IntervalSet<Address>], using setIndices: [Int],
                                     kernelCells: [IntervalSet<Address>]) where Address.Bits == Bits {
        let sets = Array(Set(setIndices)).sorted().map { allSets[$0] }
        var boundaries: [Bits] = [0]
        for set in sets + kernelCells {
            for range in set.ranges {
                boundaries.append(range.lowerBound)
                if range.upperBound < Bits.max { boundaries.append(range.upperBound + 1) }
            }
        }
        boundaries.sort()
        // The answers of a cell: membership in each set, then the kernel cell it lies in.
        var classOf: [[Int]: UInt32] = [:]
        var starts: [Bits] = []
        var classes: [UInt32] = []
        var representatives: [Bits] = []
        var previous: Bits?
        for start in boundaries where start != previous {
            previous = start
            var answers = sets.map { $0.index(containing: start) == nil ? 0 : 1 }
            answers.append(kernelCells.firstIndex { $0.index(containing: start) != nil } ?? -1)
            let id: UInt32
            if let known = classOf[answers] {
                id = known
            } else {
                id = UInt32(representatives.count)
                classOf[answers] = id
                representatives.append(start)
            }
            // Adjacent cells of one class are one cell.
            if classes.last == id { continue }
            starts.append(start)
            classes.append(id)
        }
        self.starts = starts
        self.classes = classes
        self.representatives = representatives
        indexTopBytes()
    }

    /// Fills `byTopByte` from `starts` and `classes` (cells are intervals: a block whose first
    /// and last address lie in one cell lies in it whole).
    mutating func indexTopBytes() {
        byTopByte = (0..<256).map { top in
            let first = Bits(top) << (Bits.bitWidth - 8)
            let cell = cellIndex(of: first)
            return cell == cellIndex(of: first | (Bits.max >> 8)) ? Int32(classes[cell]) : -1
        }
    }

    /// The class of `bits`: from its top byte's block when that is uniform, else from the
    /// cell with the last start at or below it.
    @inline(__always)
    func classIndex(of bits: Bits) -> Int {
        let uniform = byTopByte.withUnsafeBufferPointer { $0[Int(truncatingIfNeeded: bits >> (Bits.bitWidth - 8))] }
        if uniform >= 0 { return Int(uniform) }
        return classes.withUnsafeBufferPointer { $0[cellIndex(of: bits)] }.asInt
    }

    /// The cell with the last start at or below `bits`, without branches that depend on the
    /// address (random addresses would mispredict them): a count of the starts at or below
    /// it for a few cells, a binary search by conditional moves for many.
    @inline(__always)
    func cellIndex(of bits: Bits) -> Int {
        starts.withUnsafeBufferPointer { starts in
            // A Bool's bits (0 or 1) as an integer, so that no comparison becomes a branch.
            func one(_ condition: Bool) -> Int { Int(unsafeBitCast(condition, to: UInt8.self)) }
            var cell = 0
            if starts.count <= 16 {
                for index in 1..<starts.count { cell &+= one(starts[index] <= bits) }
            } else {
                var count = starts.count
                while count > 1 {
                    let half = count / 2
                    cell &+= half &* one(starts[cell &+ half] <= bits)
                    count -= half
                }
            }
            return cell
        }
    }
}

private extension UInt32 {
    var asInt: Int { Int(self) }
}
