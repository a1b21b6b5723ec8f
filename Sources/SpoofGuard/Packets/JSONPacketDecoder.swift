/// Packet lists written by hand or by scripts: a JSON array of objects, or JSON lines (one
/// object per line). Strict: unknown keys, wrong types and mixed families are errors that
/// name the packet, its line and the key, and say how to fix them.
final class JSONPacketDecoder {
    enum Layout { case array, lines }

    private enum State { case beforeArray, inArray, afterArray, done }

    private let input: PacketInputBytes
    private let file: String
    private let resolver: InterfaceResolver
    private let layout: Layout
    private var scanner: StrictJSON.Reader
    private var state: State
    private var index = 0
    /// The last validated `iif`: packet lists repeat a few names, validated once each.
    private var lastInterface: InputInterface?

    init(input: PacketInputBytes, file: String, interfaces: InterfaceResolver, layout: Layout) {
        self.input = input
        self.file = file
        self.resolver = interfaces
        self.layout = layout
        scanner = StrictJSON.Reader(bytes: input.bytes, limits: StrictJSON.Limits(refusesDuplicateKeys: true))
        scanner.skipByteOrderMark()
        state = layout == .array ? .beforeArray : .inArray
    }

    func step() -> RecordStep {
        switch layout {
        case .array: stepArray()
        case .lines: stepLines()
        }
    }

    private func syntaxError(_ error: StrictJSON.SyntaxError, resumable: Bool) -> RecordStep {
        .bad(PacketInputError(file: file, location: .init(record: index > 0 ? index : nil, line: error.position.line,
                                                          byteOffset: error.byteOffset),
                              reason: "invalid JSON: " + error.message), resumable: resumable)
    }

    private func stepArray() -> RecordStep {
        do throws(StrictJSON.SyntaxError) {
            switch state {
            case .done:
                return .end
            case .beforeArray:
                try scanner.skipWhitespace()
                try scanner.expect(UInt8(ascii: "["), "a JSON array \"[\"")
                try scanner.skipWhitespace()
                if scanner.current == UInt8(ascii: "]") {
                    scanner.advance()
                    state = .afterArray
                } else {
                    state = .inArray
                }
                return stepArray()
            case .afterArray:
                state = .done
                try scanner.skipWhitespace()
                guard scanner.atEnd else { throw scanner.error("unexpected content after the closing \"]\"") }
                return .end
            case .inArray:
                try scanner.skipWhitespace()
                // Only a comma leads here with "]" next: the empty array was handled above.
                if scanner.current == UInt8(ascii: "]") {
                    throw scanner.error("a comma after the last packet; remove it (JSON has no trailing commas)")
                }
                index += 1
                let line = scanner.line
                let start = scanner.index
                let value = try scanner.readValue()
                try scanner.skipWhitespace()
                if scanner.current == UInt8(ascii: ",") {
                    scanner.advance()
                } else {
                    try scanner.expect(UInt8(ascii: "]"), "\",\" or \"]\" after a packet")
                    state = .afterArray
                }
                return packet(from: value, line: line, byteOffset: start)
            }
        } catch {
            state = .done
            return syntaxError(error, resumable: false)
        }
    }

    private func stepLines() -> RecordStep {
        guard state != .done else { return .end }
        scanner.skipBlanks()
        guard !scanner.atEnd else {
            state = .done
            return .end
        }
        index += 1
        let line = scanner.line
        let start = scanner.index
        do throws(StrictJSON.SyntaxError) {
            let value = try scanner.readValue()
            return packet(from: value, line: line, byteOffset: start)
        } catch {
            // Each line is one packet: --skip-bad resumes at the line after this packet's first.
            scanner.index = start
            scanner.line = line
            scanner.skipLine()
            var position = "line \(error.position.line)"
            if error.position.line == line { position += ", byte offset \(error.byteOffset)" }
            return .bad(PacketInputError(file: file, location: .init(record: index, line: line, byteOffset: start),
                                         reason: "invalid JSON at \(position): " + error.message,
                                         fix: "write one JSON object per line"), resumable: true)
        }
    }

    private func packet(from value: StrictJSON.Value, line: Int, byteOffset: Int) -> RecordStep {
        guard case .object(let members) = value.kind else {
            return .bad(PacketInputError(file: file, location: .init(record: index, line: line, byteOffset: byteOffset),
                                         reason: "is \(value.typeName), not a packet object",
                                         fix: "write each packet as {\"iif\": \"eth0\", \"src\": \"…\", \"dst\": \"…\"}"),
                        resumable: true)
        }
        var fields = JSONPacketFields(file: file, record: index, line: line, byteOffset: byteOffset)
        do throws(PacketInputError) {
            let packet = try fields.decode(members, resolver: resolver, lastInterface: &lastInterface)
            return .packet(packet)
        } catch {
            return .bad(error, resumable: true)
        }
    }
}
