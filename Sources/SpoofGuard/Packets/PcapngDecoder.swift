/// pcapng files (draft-ietf-opsawg-pcapng): sections, each starting with a Section Header
/// Block that fixes the byte order, Interface Description Blocks numbered per section, and
/// Enhanced, Simple and (obsolete) Packet Blocks. Other block types are stepped over.
final class PcapngDecoder {
    static let sectionHeaderType: UInt32 = 0x0A0D_0D0A
    private static let interfaceDescriptionType: UInt32 = 1
    private static let obsoletePacketType: UInt32 = 2
    private static let simplePacketType: UInt32 = 3
    private static let enhancedPacketType: UInt32 = 6
    private static let byteOrderMagic: UInt32 = 0x1A2B_3C4D

    private struct Interface {
        var link: LinkLayer?
        var linkType: UInt32
        /// nil when the block had no usable if_name.
        var interface: InputInterface?
        var snapLength: Int
        /// Why a recorded if_name cannot be used (e.g. a Windows device path).
        var nameProblem: String?
    }

    private let input: PacketInputBytes
    private let reader: ByteReader
    private let file: String
    private let resolver: InterfaceResolver
    private var offset = 0
    private var bigEndian = false
    private var interfaces: [Interface] = []
    private var blockNumber = 0
    private var packetNumber = 0

    static func isPcapng(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 4 && ByteReader(bytes: bytes).u32(0) == sectionHeaderType
    }

    init(input: PacketInputBytes, file: String, interfaces: InterfaceResolver) {
        self.input = input
        self.reader = ByteReader(bytes: input.bytes)
        self.file = file
        self.resolver = interfaces
    }

    func step() -> RecordStep {
        while true {
            input.reading(at: offset)
            let blockStart = offset
            let remaining = reader.count - blockStart
            guard remaining > 0 else { return .end }
            blockNumber += 1
            var location = PacketInputLocation(record: blockNumber, recordKind: .block, byteOffset: blockStart)
            func bad(_ reason: String, resumable: Bool, fix: String? = nil) -> RecordStep {
                .bad(PacketInputError(file: file, location: location, reason: reason, fix: fix), resumable: resumable)
            }
            let cutOff = "the capture is cut off or corrupt; --skip-bad reads the packets before it"
            guard remaining >= 12 else {
                return bad("block header truncated: \(remaining) of 12 bytes at the end of the file", resumable: false, fix: cutOff)
            }
            let type = reader.u32(blockStart, bigEndian: bigEndian)
            if type == Self.sectionHeaderType {
                // The byte-order magic follows the length; the type itself reads the same both ways.
                switch reader.u32(blockStart + 8, bigEndian: true) {
                case Self.byteOrderMagic: bigEndian = true
                case Self.byteOrderMagic.byteSwapped: bigEndian = false
                default: return bad("section header has no valid byte-order magic", resumable: false, fix: cutOff)
                }
            } else if blockStart == 0 {
                return bad("a pcapng file must start with a section header block", resumable: false)
            }
            let totalLength = reader.u32(blockStart + 4, bigEndian: bigEndian)
            guard totalLength >= 12, totalLength % 4 == 0 else {
                return bad("block length \(totalLength) is invalid (it must be a multiple of 4, at least 12)", resumable: false, fix: cutOff)
            }
            guard let total = Int(exactly: totalLength), reader.has(total, at: blockStart) else {
                return bad("block claims \(totalLength) bytes but only \(remaining) remain", resumable: false, fix: cutOff)
            }
            guard reader.u32(blockStart + total - 4, bigEndian: bigEndian) == totalLength else {
                return bad("block's trailing length differs from its leading length \(totalLength)", resumable: false, fix: cutOff)
            }
            offset = blockStart + total
            let bodyStart = blockStart + 8
            let bodyEnd = blockStart + total - 4
            let bodyLength = bodyEnd - bodyStart

            switch type {
            case Self.sectionHeaderType:
                guard bodyLength >= 16 else { return bad("section header block is too short", resumable: false) }
                let major = reader.u16(bodyStart + 4, bigEndian: bigEndian)
                guard major == 1 else {
                    return bad("pcapng version \(major) is not 1", resumable: false, fix: "write the capture as pcapng 1.0")
                }
                interfaces.removeAll(keepingCapacity: true)
            case Self.interfaceDescriptionType:
                guard bodyLength >= 8 else {
                    interfaces.append(Interface(link: nil, linkType: 0, interface: nil, snapLength: 0))
                    return bad("interface description block is too short", resumable: true)
                }
                let linkType = UInt32(reader.u16(bodyStart, bigEndian: bigEndian))
                let snapLength = Int(reader.u32(bodyStart + 4, bigEndian: bigEndian))
                var entry = Interface(link: LinkLayer(linkType: linkType), linkType: linkType, interface: nil,
                                      snapLength: snapLength)
                var name: String?
                let problem = forEachOption(from: bodyStart + 8, to: bodyEnd) { code, valueStart, valueLength in
                    if code == 2 { name = Self.text(reader, from: valueStart, length: valueLength) }  // if_name
                }
                // "any" is libpcap's pseudo-device: it names no input interface.
                if let name, !name.isEmpty, name != "any" {
                    do throws(InterfaceNameError) {
                        let pattern = try InterfacePattern(parsing: name)
                        if pattern.isWildcard { throw InterfaceNameError(name: name, reason: "is not a single interface") }
                        entry.interface = InputInterface(name: name)
                    } catch {
                        entry.nameProblem = "\"\(name)\", which \(error.reason), so it is not a Linux interface name"
                    }
                }
                interfaces.append(entry)
                if let problem { return bad("interface description block: \(problem)", resumable: true) }
            case Self.enhancedPacketType, Self.obsoletePacketType:
                packetNumber += 1
                location = PacketInputLocation(record: packetNumber, byteOffset: blockStart)
                let enhanced = type == Self.enhancedPacketType
                guard bodyLength >= 20 else { return bad("packet block is too short", resumable: true) }
                let interfaceID = enhanced ? Int(reader.u32(bodyStart, bigEndian: bigEndian))
                                           : Int(reader.u16(bodyStart, bigEndian: bigEndian))
                let capturedLength = Int(reader.u32(bodyStart + 12, bigEndian: bigEndian))
                let originalLength = Int(reader.u32(bodyStart + 16, bigEndian: bigEndian))
                let dataStart = bodyStart + 20
                let padded = (capturedLength + 3) & ~3
                guard padded <= bodyEnd - dataStart else {
                    return bad("packet claims \(capturedLength) captured bytes but its block holds \(bodyEnd - dataStart)",
                               resumable: true)
                }
                var outbound = false
                let problem = forEachOption(from: dataStart + padded, to: bodyEnd) { code, valueStart, valueLength in
                    // epb_flags (pack_flags in the obsolete block): bits 0-1 are the direction, 2 = outbound.
                    if code == 2 && valueLength == 4 {
                        outbound = reader.u32(valueStart, bigEndian: bigEndian) & 3 == 2
                    }
                }
                if let problem { return bad("packet block: \(problem)", resumable: true) }
                if outbound { return .outgoing }
                return packet(interfaceID: interfaceID, dataStart: dataStart, captured: capturedLength,
                              original: originalLength, location: location)
            case Self.simplePacketType:
                packetNumber += 1
                location = PacketInputLocation(record: packetNumber, byteOffset: blockStart)
                guard bodyLength >= 4 else { return bad("simple packet block is too short", resumable: true) }
                let originalLength = Int(reader.u32(bodyStart, bigEndian: bigEndian))
                // The captured length is implied: the packet, cut at interface 0's snap length.
                var capturedLength = min(originalLength, bodyLength - 4)
                if let first = interfaces.first, first.snapLength > 0 { capturedLength = min(capturedLength, first.snapLength) }
                return packet(interfaceID: 0, dataStart: bodyStart + 4, captured: capturedLength,
                              original: originalLength, location: location)
            default:
                break  // statistics, name resolution, secrets, custom blocks: nothing for us
            }
        }
    }

    private func packet(interfaceID: Int, dataStart: Int, captured: Int, original: Int,
                        location: PacketInputLocation) -> RecordStep {
        func bad(_ reason: String) -> RecordStep {
            .bad(PacketInputError(file: file, location: location, reason: reason), resumable: true)
        }
        guard interfaceID < interfaces.count else {
            return bad("packet refers to interface \(interfaceID) but its section describes \(interfaces.count)")
        }
        let description = interfaces[interfaceID]
        guard let link = description.link else {
            return bad("interface \(interfaceID): " + LinkLayer.unsupportedReason(description.linkType))
        }
        guard captured <= original else {
            return bad("packet claims more captured bytes (\(captured)) than it had (\(original))")
        }
        switch FrameDecoder.decode(reader, start: dataStart, capturedLength: captured, truncated: captured < original,
                                   link: link, bigEndianFile: bigEndian) {
        case .ip(let ip):
            guard let interface = resolver.resolve(description.interface) else {
                let why = description.nameProblem.map { "interface \(interfaceID) of this capture is named \($0)" }
                    ?? "interface \(interfaceID) of this capture has no name"
                return .bad(resolver.missing(file: file, location: location, why: why), resumable: false)
            }
            return .ip(ip, interface)
        case .notIP: return .notIP
        case .outgoing: return .outgoing
        case .bad(let reason): return bad(reason)
        }
    }

    /// Walks the options in `start ..< end` (code, length, value padded to 4 bytes, ended by
    /// code 0). Returns a problem when an option runs past the block.
    private func forEachOption(from start: Int, to end: Int, _ body: (UInt16, Int, Int) -> Void) -> String? {
        var position = start
        while end - position >= 4 {
            let code = reader.u16(position, bigEndian: bigEndian)
            let length = Int(reader.u16(position + 2, bigEndian: bigEndian))
            if code == 0 { return nil }
            let padded = (length + 3) & ~3
            guard padded <= end - position - 4 else { return "option \(code) runs past the end of its block" }
            body(code, position + 4, length)
            position += 4 + padded
        }
        return nil
    }

    /// Option text, without the NUL padding some writers include.
    private static func text(_ reader: ByteReader, from start: Int, length: Int) -> String {
        let bytes = UnsafeRawBufferPointer(rebasing: reader.bytes[start..<(start + length)])
        let end = bytes.firstIndex(of: 0) ?? bytes.count
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
    }
}
