/// Reads packets one at a time, for captures too large to hold as `[Packet]`. The input is
/// mapped or read once; each `next()` decodes one record in place, without allocating.
///
///     var packets = try PacketSource.packets(contentsOf: "big.pcap", overrideInterface: "wan0")
///     while let packet = try packets.next() { … }
///     print(packets.counts.notIP, packets.skipped.count)
public struct PacketIterator {
    public let format: PacketFormat
    public private(set) var counts = PacketReadCounts()
    /// Records skipped under `skipBad`, in file order, up to `skippedDetailLimit`
    /// (a corrupt million-record capture must not need a million messages).
    public private(set) var skipped: [PacketInputError] = []
    public static let skippedDetailLimit = 10_000
    private let skipBad: Bool
    private let decoder: RecordDecoder
    private let resolver: InterfaceResolver
    private var finished = false

    init(input: PacketInputBytes, file: String, options: PacketReadOptions) throws(PacketInputError) {
        let resolver = try InterfaceResolver(options: options, file: file)
        self.resolver = resolver
        skipBad = options.skipBad
        guard let format = PacketSource.detectFormat(input.bytes) else {
            throw PacketSource.unrecognised(input.bytes, file: file)
        }
        self.format = format
        switch format {
        case .jsonArray: decoder = .json(JSONPacketDecoder(input: input, file: file, interfaces: resolver, layout: .array))
        case .jsonLines: decoder = .json(JSONPacketDecoder(input: input, file: file, interfaces: resolver, layout: .lines))
        case .pcap: decoder = .pcap(try PcapDecoder(input: input, file: file, interfaces: resolver))
        case .pcapng: decoder = .pcapng(PcapngDecoder(input: input, file: file, interfaces: resolver))
        }
    }

    /// `--iif`: the interface every packet is taken to arrive on, if one was given.
    public var fixedInterface: InputInterface? {
        resolver.override.map { interface in
            var interface = interface
            if let interfaceKind { interface.kind = interfaceKind }
            return interface
        }
    }

    /// `--iif-kind`: what kind of device every packet arrived on, which a capture cannot say
    /// (a bridge port's frames take the bridge path, not the routed one). nil keeps each
    /// packet's own (JSON `iif_kind`, else loopback for `lo` and ordinary otherwise).
    public var interfaceKind: InputInterface.Kind?

    /// Whether the input is a capture, whose packets carry nothing but their frame and
    /// interface (no route_localnet, no expectation): what `forEachCapturedFrame` reads.
    var isCapture: Bool { format == .pcap || format == .pcapng }

    /// The next packet, or nil at the end. Throws at the first bad record unless `skipBad`;
    /// usage errors (no interface name and no `--iif`) are thrown either way.
    public mutating func next() throws(PacketInputError) -> Packet? {
        guard !finished else { return nil }
        while true {
            let step = decoder.step()
            switch step {
            case .packet(var packet):
                counts.packets += 1
                if let interfaceKind { packet.inputInterface.kind = interfaceKind }
                return packet
            case .ip(let ip, var interface):
                counts.packets += 1
                if let interfaceKind { interface.kind = interfaceKind }
                return ip.packet(on: interface)
            default:
                guard try account(step) else { return nil }
            }
        }
    }

    /// Hands every remaining packet of a capture to `sink`, without building `Packet`s: the same records, counts and errors as calling `next()` until nil.
    /// The packets' interface is the one `next()` would give them (`fixedInterface` when set).
    mutating func forEachCapturedFrame<Sink: CapturedFrameSink>(into sink: inout Sink) throws(PacketInputError) {
        precondition(isCapture, "JSON packets carry more than their frame")
        while !finished {
            let step: RecordStep
            if case .pcap(let pcap) = decoder {
                let walked = pcap.forEachIP(into: &sink)
                counts.packets += walked.packets
                step = walked.stop
            } else {
                step = decoder.step()
            }
            switch step {
            case .packet: preconditionFailure("a capture delivers frames, not JSON packets")
            case .ip(let ip, _):
                counts.packets += 1
                sink.decoded(ip)
            default:
                _ = try account(step)
            }
        }
    }

    /// Counts a step that is not a packet; false when reading is over.
    private mutating func account(_ step: RecordStep) throws(PacketInputError) -> Bool {
        switch step {
        case .packet, .ip:
            preconditionFailure("packets are delivered, not accounted")
        case .notIP:
            counts.notIP += 1
        case .outgoing:
            counts.outgoing += 1
        case .bad(let error, let resumable):
            guard skipBad, error.kind == .invalidData else {
                finished = true
                throw error
            }
            counts.skipped += 1
            if skipped.count < Self.skippedDetailLimit { skipped.append(error) }
            if !resumable {
                finished = true
                return false
            }
        case .end:
            finished = true
            return false
        }
        return true
    }
}
