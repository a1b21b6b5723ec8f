/// Why packets could not be read: where (file, record, line, byte offset, JSON key), what is
/// wrong, and how to fix it. With `--skip-bad` the same values describe the skipped records.
public struct PacketInputError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The file cannot be opened or read (sysexits EX_NOINPUT, 66).
        case cannotOpen
        /// The bytes are not valid packet data (EX_DATAERR, 65).
        case invalidData
        /// The command line is missing something, e.g. `--iif` for a capture without names (EX_USAGE, 64).
        case usage
    }

    public var kind: Kind
    /// The path as given, or `<stdin>`.
    public var file: String
    public var location: PacketInputLocation
    public var reason: String
    /// What the user can do about it, when there is something to say.
    public var fix: String?

    public init(kind: Kind = .invalidData, file: String, location: PacketInputLocation = .init(),
                reason: String, fix: String? = nil) {
        self.kind = kind
        self.file = file
        self.location = location
        self.reason = reason
        self.fix = fix
    }

    /// The sysexits code a command line should exit with.
    public var exitCode: Int32 {
        switch kind {
        case .cannotOpen: 66
        case .invalidData: 65
        case .usage: 64
        }
    }

    public var description: String {
        var text = file
        let place = location.description
        if !place.isEmpty { text += ": " + place }
        text += ": " + reason
        if let fix { text += "; " + fix }
        // File names, keys and quoted values are the input's: one line, no control bytes.
        return text.terminalEscaped
    }
}

/// A place in a packet file. Records are numbered from 1 as Wireshark numbers frames; pcapng
/// blocks that hold no packet are named by block number instead.
public struct PacketInputLocation: Equatable, Sendable, CustomStringConvertible {
    public enum RecordKind: String, Sendable, Equatable {
        case packet, block
    }

    public var record: Int?
    public var recordKind: RecordKind
    /// 1-based line of the JSON value (JSON and JSON lines only).
    public var line: Int?
    /// Offset of the record's first byte from the start of the file.
    public var byteOffset: Int?
    /// The JSON key the problem is in.
    public var key: String?

    public init(record: Int? = nil, recordKind: RecordKind = .packet, line: Int? = nil,
                byteOffset: Int? = nil, key: String? = nil) {
        self.record = record
        self.recordKind = recordKind
        self.line = line
        self.byteOffset = byteOffset
        self.key = key
    }

    public var description: String {
        var parts: [String] = []
        var head = ""
        if let record { head = "\(recordKind.rawValue) \(record)" }
        var details: [String] = []
        if let line { details.append("line \(line)") }
        if let byteOffset { details.append("byte offset \(byteOffset)") }
        if !details.isEmpty {
            head += head.isEmpty ? details.joined(separator: ", ") : " (" + details.joined(separator: ", ") + ")"
        }
        if !head.isEmpty { parts.append(head) }
        if let key { parts.append("key \"\(key)\"") }
        return parts.joined(separator: ", ")
    }
}
