/// `dry-run`'s listing of a capture read with `--iif`, text or JSON, straight from the mapped frames:
/// no `Packet` per frame, each outcome from the fixed-interface classifier (the evaluator's
/// verdict and decider, as `DryRunDecisions` gives them), and what lines share — the
/// interface, and per outcome the verdict and decider — rendered and escaped once. Lines
/// collect in one buffer handed to `write` whenever it fills, so memory stays flat however
/// many packets there are. Byte for byte the lines of `DryRunListing` (`DryRunText.line`), or
/// its JSON results with the document's opening (`{"results": [` before the first, a comma
/// between); tests hold them together.
public struct CaptureListing {
    private let classifier: FixedInterfaceClassifier
    private let interface: InputInterface
    private let format: DryRunListing.Format
    private let dropsOnly: Bool
    /// Packets listed so far; for JSON, whether the document was opened.
    public private(set) var listed = 0
    /// Bytes handed to `write` at once: few write(2) calls, a small footprint.
    static let bufferCapacity = 1 << 18

    /// nil when the listing must take the general path: JSON input, no `--iif`, or a
    /// `limit` that can decide a verdict (see `FixedInterfaceClassifier`).
    public init?(packets: PacketIterator, evaluator: Evaluator, format: DryRunListing.Format, dropsOnly: Bool) {
        guard let (classifier, interface) = FixedInterfaceClassifier.forCapture(packets, evaluator: evaluator) else { return nil }
        self.classifier = classifier
        self.interface = interface
        self.format = format
        self.dropsOnly = dropsOnly
    }

    /// Lists every remaining packet of `packets` (only drops and rejects with `dropsOnly`),
    /// handing the text to `write` in large pieces, and returns the totals. Tagged and PPPoE
    /// frames take the evaluator, whose counters and logs advance for them only. What was
    /// listed before a bad record is written before the error is thrown.
    public mutating func run(_ packets: inout PacketIterator, evaluator: inout Evaluator,
                             write: @escaping (UnsafeRawBufferPointer) -> Void) throws(PacketInputError) -> DryRunTally {
        var sink = CaptureLineWriter(classifier: classifier, evaluator: evaluator, interface: interface,
                                     format: format, dropsOnly: dropsOnly, write: write)
        defer {
            listed = sink.listed
            sink.release()
        }
        do {
            try packets.forEachCapturedFrame(into: &sink)
        } catch {
            sink.flush()
            throw error
        }
        sink.flush()
        evaluator = sink.evaluator
        var tally = DryRunTally(ruleCount: evaluator.rules.count)
        for (index, outcome) in classifier.outcomes.enumerated() { tally.add(outcome, count: sink.counts[index]) }
        for (outcome, count) in sink.otherOutcomes { tally.add(outcome, count: count) }
        return tally
    }
}

/// The sink behind `CaptureListing`: one line (or JSON result) per frame into a buffer it owns.
struct CaptureLineWriter: CapturedFrameSink {
    let classifier: FixedInterfaceClassifier
    /// For tagged and PPPoE frames, whose fates the classifier's tables do not hold.
    var evaluator: Evaluator
    let interface: InputInterface
    let format: DryRunListing.Format
    let dropsOnly: Bool
    private(set) var listed = 0
    /// Packets per classifier outcome.
    let counts: UnsafeMutableBufferPointer<Int>
    var otherOutcomes: [Evaluator.Outcome: Int] = [:]
    private var otherEndings: [Evaluator.Outcome: [UInt8]] = [:]
    private var number = 0

    /// The interface (its name, terminal-escaped, or its JSON members), then per classifier
    /// outcome its line ending (`: drop by …\n`, or `}, "verdict": …}`), in one block;
    /// `endings[i]` is outcome i's, empty when not listed.
    private let fixed: UnsafeMutableBufferPointer<UInt8>
    private let interfaceText: UnsafeBufferPointer<UInt8>
    private let endings: UnsafeMutableBufferPointer<UnsafeBufferPointer<UInt8>>
    /// Room a line needs besides the encapsulation's name: the numbers, addresses and
    /// words (within `ByteCursor.capacity`), the interface and the longest ending.
    private let lineRoom: Int

    private let buffer: UnsafeMutablePointer<UInt8>
    private var used = 0
    private let write: (UnsafeRawBufferPointer) -> Void

    init(classifier: FixedInterfaceClassifier, evaluator: Evaluator, interface: InputInterface,
         format: DryRunListing.Format, dropsOnly: Bool, write: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.classifier = classifier
        self.evaluator = evaluator
        self.interface = interface
        self.format = format
        self.dropsOnly = dropsOnly
        self.write = write
        counts = .allocate(capacity: classifier.outcomes.count)
        counts.initialize(repeating: 0)
        let name = switch format {
        case .text: Array(interface.name.terminalEscaped.utf8)
        case .json: DryRunListing.interfaceMembers(interface)
        }
        let tails = classifier.outcomes.map { outcome in
            dropsOnly && !outcome.verdict.isDrop ? [] : Self.ending(outcome, evaluator, format)
        }
        let block = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, name.count + tails.reduce(0) { $0 + $1.count }))
        var at = 0
        func place(_ bytes: [UInt8]) -> UnsafeBufferPointer<UInt8> {
            let start = block.baseAddress! + at
            bytes.withUnsafeBufferPointer { start.initialize(from: $0.baseAddress ?? UnsafePointer(start), count: $0.count) }
            at += bytes.count
            return UnsafeBufferPointer(start: start, count: bytes.count)
        }
        fixed = block
        interfaceText = place(name)
        let endings = UnsafeMutableBufferPointer<UnsafeBufferPointer<UInt8>>.allocate(capacity: max(1, tails.count))
        for (index, tail) in tails.enumerated() { endings.initializeElement(at: index, to: place(tail)) }
        self.endings = endings
        lineRoom = ByteCursor.capacity + name.count + (tails.map(\.count).max() ?? 0)
        buffer = .allocate(capacity: CaptureListing.bufferCapacity + lineRoom)
    }

    /// Frees what `init` allocated; the writer is not used after.
    func release() {
        counts.deallocate()
        fixed.deallocate()
        endings.deallocate()
        buffer.deallocate()
    }

    /// `: verdict` and ` by decider` (none for nobody) and the line break, as `DryRunText.line`
    /// ends a line of a packet without an expectation; for JSON the packet object's close,
    /// the verdict and decider members and the result's close, as `DryRunListing` writes them.
    static func ending(_ outcome: Evaluator.Outcome, _ evaluator: Evaluator, _ format: DryRunListing.Format) -> [UInt8] {
        let decider = evaluator.decider(outcome.decision)
        switch format {
        case .text:
            let by = decider == .nobody ? "" : " by \(decider)"
            return Array((": \(DryRunText.word(outcome.verdict))" + by).terminalEscaped.utf8) + [UInt8(ascii: "\n")]
        case .json:
            return Array(#"}, "verdict": "\#(DryRunText.word(outcome.verdict))", "#.utf8)
                + DryRunListing.deciderMember(decider) + [UInt8(ascii: "}")]
        }
    }

    /// Hands what is buffered to `write`.
    mutating func flush() {
        guard used > 0 else { return }
        write(UnsafeRawBufferPointer(start: buffer, count: used))
        used = 0
    }

    @inline(__always)
    private mutating func makeRoom(_ bytes: Int) {
        if used &+ bytes > CaptureListing.bufferCapacity &+ lineRoom { flush() }
    }

    @inline(__always)
    mutating func ipv4(source: UInt32, destination: UInt32, transport: PlainTransport) {
        let index = classifier.outcomeIndex4(source: source, destination: destination, isTCP: transport.isTCP)
        list(index, transport, source: { $0.ipv4(source) }, destination: { $0.ipv4(destination) })
    }

    @inline(__always)
    mutating func ipv6(source: UInt128, destination: UInt128, transport: PlainTransport) {
        let index = classifier.outcomeIndex6(source: source, destination: destination, isTCP: transport.isTCP)
        list(index, transport, source: { $0.ipv6(source) }, destination: { $0.ipv6(destination) })
    }

    /// Counts a plain frame under classifier outcome `index` and, unless that outcome is left
    /// out, lists it; `source` and `destination` write its addresses.
    @inline(__always)
    private mutating func list(_ index: Int, _ transport: PlainTransport,
                               source: (inout ByteCursor) -> Void, destination: (inout ByteCursor) -> Void) {
        number &+= 1
        counts[index] &+= 1
        let ending = endings[index]
        guard !ending.isEmpty else { return }
        makeRoom(lineRoom)
        var cursor = start()
        source(&cursor)
        between(&cursor)
        destination(&cursor)
        let ports = transport.ports
        after(&cursor, TransportProtocol(number: transport.protocolNumber), ports?.source, ports?.destination, transport.length)
        cursor.put(ending)
        used &+= cursor.count
    }

    /// `#number interface `, or the result's separator and opening up to the source address,
    /// at the end of the buffer.
    @inline(__always)
    private mutating func start() -> ByteCursor {
        var cursor = ByteCursor(unchecked: buffer + used)
        switch format {
        case .text:
            cursor.put("#")
            cursor.decimal(number)
            cursor.put(" ")
            cursor.put(interfaceText)
            cursor.put(" ")
        case .json:
            // The document opens with its first result, as the general listing opens it.
            cursor.put(listed == 0 ? "{\"results\": [\n  " : ",\n  ")
            cursor.put(#"{"number": "#)
            cursor.decimal(number)
            cursor.put(#", "packet": {"#)
            cursor.put(interfaceText)
            cursor.put(#", "src": ""#)
        }
        listed &+= 1
        return cursor
    }

    @inline(__always)
    private func between(_ cursor: inout ByteCursor) {
        switch format {
        case .text: cursor.put(" -> ")
        case .json: cursor.put(#"", "dst": ""#)
        }
    }

    /// After the destination address: ` udp/53`, or the transport, ports and length members.
    @inline(__always)
    private func after(_ cursor: inout ByteCursor, _ transport: TransportProtocol?,
                       _ sourcePort: UInt16?, _ destinationPort: UInt16?, _ length: Int) {
        switch format {
        case .text: cursor.lineTransport(transport, destinationPort: destinationPort)
        case .json:
            cursor.put("\"")
            if let transport {
                cursor.put(#", "proto": ""#)
                cursor.transport(transport)
                cursor.put("\"")
            }
            if let sourcePort {
                cursor.put(#", "sport": "#)
                cursor.decimal(Int(sourcePort))
            }
            if let destinationPort {
                cursor.put(#", "dport": "#)
                cursor.decimal(Int(destinationPort))
            }
            cursor.put(#", "length": "#)
            cursor.decimal(length)
        }
    }

    /// How an encapsulated frame's line names its encapsulation (empty for none).
    private func encapsulation(_ encapsulation: LinkEncapsulation) -> [UInt8] {
        switch format {
        case .text: encapsulation.isWrappedForHooks ? Array(" in \(encapsulation)".utf8) : []
        case .json: encapsulation != .untagged ? Array(#", "encapsulation": "\#(encapsulation)""#.utf8) : []
        }
    }

    /// Frames the full decoder read (tags, PPPoE, extension headers, other link types).
    mutating func decoded(_ ip: DecodedIP) {
        number &+= 1
        let ending: [UInt8]
        if ip.fields.encapsulation == .untagged {
            let index = classifier.outcomeIndex(ip.fields)
            counts[index] &+= 1
            ending = Array(endings[index])
        } else {
            let outcome = evaluator.decide(ip.packet(on: interface))
            otherOutcomes[outcome, default: 0] += 1
            ending = dropsOnly && !outcome.verdict.isDrop ? [] : otherEndings[outcome] ?? Self.ending(outcome, evaluator, format)
            otherEndings[outcome] = ending
        }
        guard !ending.isEmpty else { return }
        let wrapped = encapsulation(ip.fields.encapsulation)
        makeRoom(lineRoom)
        var cursor = start()
        cursor.address(ip.source)
        between(&cursor)
        cursor.address(ip.destination)
        after(&cursor, ip.transport, ip.sourcePort, ip.destinationPort, ip.length)
        used &+= cursor.count
        append(wrapped)
        append(ending)
    }

    /// `bytes` after what is buffered; written through at once if larger than the buffer.
    private mutating func append(_ bytes: [UInt8]) {
        makeRoom(bytes.count)
        guard used + bytes.count <= CaptureListing.bufferCapacity + lineRoom else {
            bytes.withUnsafeBytes(write)
            return
        }
        bytes.withUnsafeBufferPointer { (buffer + used).update(from: $0.baseAddress ?? UnsafePointer(buffer), count: $0.count) }
        used += bytes.count
    }
}
