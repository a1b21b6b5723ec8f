/// Classic libpcap files: a 24-byte file header, then 16-byte record headers each followed by
/// the captured bytes. Both byte orders, microsecond and nanosecond magic.
final class PcapDecoder {
    static let headerLength = 24
    static let recordHeaderLength = 16

    private let input: PacketInputBytes
    private let reader: ByteReader
    private let file: String
    private let interfaces: InterfaceResolver
    private let bigEndian: Bool
    private let link: LinkLayer
    private var offset = PcapDecoder.headerLength
    private var recordNumber = 0

    /// Recognises the four magic numbers; returns the byte order, or nil if not pcap.
    static func byteOrder(ofMagic bytes: UnsafeRawBufferPointer) -> (bigEndian: Bool, nanoseconds: Bool)? {
        guard bytes.count >= 4 else { return nil }
        let reader = ByteReader(bytes: bytes)
        switch reader.u32(0, bigEndian: true) {
        case 0xA1B2_C3D4: return (true, false)
        case 0xD4C3_B2A1: return (false, false)
        case 0xA1B2_3C4D: return (true, true)
        case 0x4D3C_B2A1: return (false, true)
        default: return nil
        }
    }

    init(input: PacketInputBytes, file: String, interfaces: InterfaceResolver) throws(PacketInputError) {
        self.input = input
        self.reader = ByteReader(bytes: input.bytes)
        self.file = file
        self.interfaces = interfaces
        guard let order = Self.byteOrder(ofMagic: input.bytes) else {
            throw PacketInputError(file: file, location: .init(byteOffset: 0), reason: "is not a pcap file")
        }
        bigEndian = order.bigEndian
        guard reader.count >= Self.headerLength else {
            throw PacketInputError(file: file, location: .init(byteOffset: 0),
                                   reason: "pcap file header truncated: \(reader.count) of 24 bytes",
                                   fix: "the capture was cut off; capture again")
        }
        let major = reader.u16(4, bigEndian: bigEndian)
        guard major == 2 else {
            throw PacketInputError(file: file, location: .init(byteOffset: 4),
                                   reason: "pcap version \(major).\(reader.u16(6, bigEndian: bigEndian)) is not 2.x",
                                   fix: "write the capture with libpcap (tcpdump -w)")
        }
        // The low 16 bits hold the link type; higher bits may carry FCS information.
        let linkType = reader.u32(20, bigEndian: bigEndian) & 0xFFFF
        guard let link = LinkLayer(linkType: linkType) else {
            throw PacketInputError(file: file, location: .init(byteOffset: 20), reason: LinkLayer.unsupportedReason(linkType),
                                   fix: LinkLayer.unsupportedFix)
        }
        self.link = link
        // pcap records carry no interface name: without --iif or a default nothing can be read.
        if interfaces.resolve(nil) == nil {
            throw interfaces.missing(file: file, location: .init(), why: "a pcap file does not record the input interface")
        }
    }

    func step() -> RecordStep {
        input.reading(at: offset)
        return record(interface: interfaces.resolve(nil))
    }

    /// Steps while records are IP frames, handing each one's facts to `sink`: returns how
    /// many it handed over and the first other step (what `step()` returns for that record).
    /// A well-formed record holding a plain frame (`PlainFrame`) is read here without building
    /// anything; every other record goes through `step()`'s own code.
    func forEachIP<Sink: CapturedFrameSink>(into sink: inout Sink) -> (packets: Int, stop: RecordStep) {
        let interface = interfaces.resolve(nil)
        var packets = 0
        let count = reader.count
        while true {
            // (init refuses a pcap without an interface; were there none, step() reports it.)
            if interface != nil, let base = reader.bytes.baseAddress {
                var at = offset
                var number = recordNumber
                var plain = true
                while plain && count &- at >= Self.recordHeaderLength {
                    // A window at a time, releasing the pages behind it: memory stays flat.
                    let windowEnd = at &+ PacketInputBytes.releaseWindow
                    // Wrapping arithmetic: every offset stays within the capture's size.
                    while at < windowEnd && count &- at >= Self.recordHeaderLength {
                        let captured = Int(u32(base, at &+ 8)), original = Int(u32(base, at &+ 12))
                        let dataStart = at &+ Self.recordHeaderLength
                        guard captured <= count &- dataStart, captured <= original,
                              PlainFrame.decode(base + dataStart, capturedLength: captured, truncated: captured < original,
                                                link: link, into: &sink) else {
                            plain = false
                            break
                        }
                        at = dataStart &+ captured
                        number &+= 1
                        packets &+= 1
                    }
                    input.releasePages(before: at)
                }
                offset = at
                recordNumber = number
            }
            let step = record(interface: interface)
            guard case .ip(let ip, _) = step else { return (packets, step) }
            sink.decoded(ip)
            packets += 1
        }
    }

    @inline(__always)
    private func u32(_ base: UnsafeRawPointer, _ offset: Int) -> UInt32 {
        let raw = base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)
    }

    /// The next record; `interface` is `interfaces.resolve(nil)`, worked out once by callers.
    @inline(__always)
    private func record(interface: InputInterface?) -> RecordStep {
        let remaining = reader.count - offset
        guard remaining > 0 else { return .end }
        recordNumber += 1
        let location = PacketInputLocation(record: recordNumber, byteOffset: offset)
        func bad(_ reason: String, resumable: Bool, fix: String? = nil) -> RecordStep {
            .bad(PacketInputError(file: file, location: location, reason: reason, fix: fix), resumable: resumable)
        }
        guard remaining >= Self.recordHeaderLength else {
            return bad("record header truncated: \(remaining) of 16 bytes at the end of the file", resumable: false,
                       fix: "the capture was cut off; --skip-bad reads the packets before it")
        }
        let capturedLength = reader.u32(offset + 8, bigEndian: bigEndian)
        let originalLength = reader.u32(offset + 12, bigEndian: bigEndian)
        let dataStart = offset + Self.recordHeaderLength
        guard let captured = Int(exactly: capturedLength), reader.has(captured, at: dataStart) else {
            return bad("record claims \(capturedLength) captured bytes but only \(reader.count - dataStart) remain",
                       resumable: false, fix: "the capture is cut off or corrupt; --skip-bad reads the packets before it")
        }
        offset = dataStart + captured
        guard capturedLength <= originalLength else {
            return bad("record claims more captured bytes (\(capturedLength)) than the packet had (\(originalLength))",
                       resumable: true)
        }
        switch FrameDecoder.decode(reader, start: dataStart, capturedLength: captured,
                                   truncated: capturedLength < originalLength, link: link, bigEndianFile: bigEndian) {
        case .ip(let ip):
            guard let interface else {
                return .bad(interfaces.missing(file: file, location: location, why: "the record names no input interface"),
                            resumable: false)
            }
            return .ip(ip, interface)
        case .notIP: return .notIP
        case .outgoing: return .outgoing
        case .bad(let reason): return bad(reason, resumable: true)
        }
    }
}
