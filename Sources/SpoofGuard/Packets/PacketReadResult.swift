/// The container format of a packet file, detected from its content (never its name).
public enum PacketFormat: String, Sendable, Equatable, CustomStringConvertible {
    case jsonArray = "json"
    case jsonLines = "jsonl"
    case pcap
    case pcapng

    public var description: String { rawValue }
}

/// How packets get their input interface, and what to do with bad records.
public struct PacketReadOptions: Sendable, Equatable {
    /// Used for packets whose record names no interface (pcap, SLL2, JSON without `iif`).
    public var defaultInterface: String?
    /// `--iif NAME`: replaces every record's interface.
    public var overrideInterface: String?
    /// `--skip-bad`: count and report bad records instead of stopping at the first.
    public var skipBad: Bool

    public init(defaultInterface: String? = nil, overrideInterface: String? = nil, skipBad: Bool = false) {
        self.defaultInterface = defaultInterface
        self.overrideInterface = overrideInterface
        self.skipBad = skipBad
    }
}

/// Counts kept while reading, besides the packets themselves.
public struct PacketReadCounts: Sendable, Equatable {
    /// Frames that carry no IP (ARP, LLDP, STP, …): counted, never guessed at.
    public var notIP = 0
    /// Frames the capture marks as sent by the host (SLL packet type, pcapng direction flag):
    /// they never took the receive path, so they are not input packets.
    public var outgoing = 0
    /// Packets delivered to the caller.
    public var packets = 0
    /// Bad records skipped under `--skip-bad` (all of them, even past the kept details).
    public var skipped = 0

    public init() {}
}

/// Everything read from one packet file.
public struct PacketReadResult: Sendable, Equatable {
    public var format: PacketFormat
    public var packets: [Packet]
    public var counts: PacketReadCounts
    /// Records skipped under `--skip-bad`, each with its record number and byte offset; the
    /// first `PacketIterator.skippedDetailLimit` of them (`counts.skipped` has the total).
    public var skipped: [PacketInputError]

    public init(format: PacketFormat, packets: [Packet], counts: PacketReadCounts, skipped: [PacketInputError]) {
        self.format = format
        self.packets = packets
        self.counts = counts
        self.skipped = skipped
    }

    public var notIPCount: Int { counts.notIP }
    public var outgoingCount: Int { counts.outgoing }
}
