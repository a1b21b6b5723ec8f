/// The one way into packet files: JSON arrays, JSON lines, pcap and pcapng, told apart by
/// their content (magic numbers, first JSON character), never by file name.
public enum PacketSource {
    /// The most a stream (standard input, a pipe, a device such as /dev/zero) may hold: such
    /// input is read into memory, which must stay bounded however long the stream. Regular
    /// files are mapped instead and have no limit. `dry-run --max-stream-mib` raises it.
    public static let defaultStreamLimit = 32 << 20

    /// Reads every packet of `path` (`-` is standard input).
    public static func read(contentsOf path: String, defaultInterface: String? = nil,
                            overrideInterface: String? = nil, skipBad: Bool = false,
                            streamLimit: Int = defaultStreamLimit) throws(PacketInputError) -> PacketReadResult {
        var iterator = try packets(contentsOf: path, defaultInterface: defaultInterface,
                                   overrideInterface: overrideInterface, skipBad: skipBad, streamLimit: streamLimit)
        return try collect(&iterator)
    }

    /// Reads packets from bytes already in memory (tests, fuzzers); `name` is used in messages.
    public static func read(bytes: some Collection<UInt8>, name: String = "<bytes>", defaultInterface: String? = nil,
                            overrideInterface: String? = nil, skipBad: Bool = false) throws(PacketInputError) -> PacketReadResult {
        var iterator = try packets(bytes: bytes, name: name, defaultInterface: defaultInterface,
                                   overrideInterface: overrideInterface, skipBad: skipBad)
        return try collect(&iterator)
    }

    /// Reads packets from a raw buffer (copied first, so the caller's memory may change).
    public static func read(buffer: UnsafeRawBufferPointer, name: String = "<bytes>", defaultInterface: String? = nil,
                            overrideInterface: String? = nil, skipBad: Bool = false) throws(PacketInputError) -> PacketReadResult {
        let options = PacketReadOptions(defaultInterface: defaultInterface, overrideInterface: overrideInterface, skipBad: skipBad)
        var iterator = try PacketIterator(input: PacketInputBytes(copying: buffer), file: name, options: options)
        return try collect(&iterator)
    }

    /// An iterator over the packets of `path`, for large captures. A stream longer than
    /// `streamLimit` bytes is an error (a regular file is mapped, whatever its size).
    public static func packets(contentsOf path: String, defaultInterface: String? = nil,
                               overrideInterface: String? = nil, skipBad: Bool = false,
                               streamLimit: Int = defaultStreamLimit) throws(PacketInputError) -> PacketIterator {
        let name = path == "-" ? "<stdin>" : path
        let options = PacketReadOptions(defaultInterface: defaultInterface, overrideInterface: overrideInterface, skipBad: skipBad)
        return try PacketIterator(input: PacketInputBytes.contents(of: path, displayName: name, streamLimit: streamLimit),
                                  file: name, options: options)
    }

    /// An iterator over packets in memory.
    public static func packets(bytes: some Collection<UInt8>, name: String = "<bytes>", defaultInterface: String? = nil,
                               overrideInterface: String? = nil, skipBad: Bool = false) throws(PacketInputError) -> PacketIterator {
        let options = PacketReadOptions(defaultInterface: defaultInterface, overrideInterface: overrideInterface, skipBad: skipBad)
        let input = bytes.withContiguousStorageIfAvailable { PacketInputBytes(copying: UnsafeRawBufferPointer($0)) }
            ?? Array(bytes).withUnsafeBytes { PacketInputBytes(copying: $0) }
        return try PacketIterator(input: input, file: name, options: options)
    }

    /// The format of `bytes` by content, or nil when it is none of the four.
    public static func detectFormat(_ bytes: UnsafeRawBufferPointer) -> PacketFormat? {
        if PcapDecoder.byteOrder(ofMagic: bytes) != nil { return .pcap }
        if PcapngDecoder.isPcapng(bytes) { return .pcapng }
        var scanner = StrictJSON.Reader(bytes: bytes)
        scanner.skipByteOrderMark()
        scanner.skipBlanks()
        switch scanner.current {
        case UInt8(ascii: "["): return .jsonArray
        case UInt8(ascii: "{"): return .jsonLines
        default: return nil
        }
    }

    static func unrecognised(_ bytes: UnsafeRawBufferPointer, file: String) -> PacketInputError {
        var scanner = StrictJSON.Reader(bytes: bytes)
        scanner.skipByteOrderMark()
        scanner.skipBlanks()
        if scanner.atEnd {
            return PacketInputError(file: file, reason: "is empty", fix: "write [] for an empty packet list")
        }
        if bytes.count >= 4, [0xA1B2_CD34, 0x34CD_B2A1].contains(ByteReader(bytes: bytes).u32(0)) {
            return PacketInputError(file: file, location: .init(byteOffset: 0),
                                    reason: "is a \"modified\" (Kuznetsov) pcap, which spoofguard does not read",
                                    fix: "convert it with editcap -F pcap, or capture with tcpdump -w")
        }
        let head = bytes.prefix(4).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: " ")
        return PacketInputError(file: file, location: .init(byteOffset: 0),
                                reason: "is not a packet file (starts with bytes \(head))",
                                fix: "give a JSON array, JSON lines, pcap or pcapng file")
    }

    private static func collect(_ iterator: inout PacketIterator) throws(PacketInputError) -> PacketReadResult {
        var packets: [Packet] = []
        while let packet = try iterator.next() { packets.append(packet) }
        return PacketReadResult(format: iterator.format, packets: packets, counts: iterator.counts, skipped: iterator.skipped)
    }
}
