/// One step of a format decoder: a packet, something counted, a bad record, or the end.
enum RecordStep {
    /// A packet from a JSON record (which may carry route_localnet and an expectation).
    case packet(Packet)
    /// A captured IP frame and its input interface.
    case ip(DecodedIP, InputInterface)
    case notIP
    case outgoing
    /// `resumable` says whether the next record can still be found (the framing is intact).
    case bad(PacketInputError, resumable: Bool)
    case end
}

/// Decides each packet's input interface: `--iif` wins, then the record's own name, then the
/// default. Names are validated once, up front.
struct InterfaceResolver {
    let override: InputInterface?
    let fallback: InputInterface?

    init(options: PacketReadOptions, file: String) throws(PacketInputError) {
        override = try Self.validated(options.overrideInterface, option: "--iif", file: file)
        fallback = try Self.validated(options.defaultInterface, option: "the default interface", file: file)
    }

    private static func validated(_ name: String?, option: String, file: String) throws(PacketInputError) -> InputInterface? {
        guard let name else { return nil }
        let pattern: InterfacePattern
        do throws(InterfaceNameError) {
            pattern = try InterfacePattern(parsing: name)
        } catch {
            throw PacketInputError(kind: .usage, file: file, reason: "\(option): \(error)",
                                   fix: "give the name of one interface, e.g. eth0")
        }
        guard !pattern.isWildcard else {
            throw PacketInputError(kind: .usage, file: file, reason: "\(option): \"\(name)\" is a wildcard",
                                   fix: "give the name of the one interface the packets arrived on")
        }
        return InputInterface(name: name)
    }

    @inline(__always)
    func resolve(_ recorded: InputInterface?) -> InputInterface? {
        override ?? recorded ?? fallback
    }

    func missing(file: String, location: PacketInputLocation, why: String) -> PacketInputError {
        PacketInputError(kind: .usage, file: file, location: location, reason: why,
                         fix: "pass --iif NAME with the interface the packets arrived on")
    }
}

/// The decoders behind one iterator; classes so that stepping mutates in place.
enum RecordDecoder {
    case json(JSONPacketDecoder)
    case pcap(PcapDecoder)
    case pcapng(PcapngDecoder)

    @inline(__always)
    func step() -> RecordStep {
        switch self {
        case .json(let decoder): decoder.step()
        case .pcap(let decoder): decoder.step()
        case .pcapng(let decoder): decoder.step()
        }
    }
}
