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
    private var finished = false

    init(input: PacketInputBytes, file: String, options: PacketReadOptions) throws(PacketInputError) {
        let resolver = try InterfaceResolver(options: options, file: file)
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

    /// The next packet, or nil at the end. Throws at the first bad record unless `skipBad`;
    /// usage errors (no interface name and no `--iif`) are thrown either way.
    public mutating func next() throws(PacketInputError) -> Packet? {
        guard !finished else { return nil }
        while true {
            switch decoder.step() {
            case .packet(let packet):
                counts.packets += 1
                return packet
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
                    return nil
                }
            case .end:
                finished = true
                return nil
            }
        }
    }
}
