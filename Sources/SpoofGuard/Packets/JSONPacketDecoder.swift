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
    private var scanner: StrictJSONScanner
    private var state: State
    private var index = 0
    /// The last validated `iif`: packet lists repeat a few names, validated once each.
    private var lastInterface: InputInterface?

    init(input: PacketInputBytes, file: String, interfaces: InterfaceResolver, layout: Layout) {
        self.input = input
        self.file = file
        self.resolver = interfaces
        self.layout = layout
        scanner = StrictJSONScanner(bytes: input.bytes)
        scanner.skipByteOrderMark()
        state = layout == .array ? .beforeArray : .inArray
    }

    func step() -> RecordStep {
        switch layout {
        case .array: stepArray()
        case .lines: stepLines()
        }
    }

    private func syntaxError(_ error: JSONSyntaxError, resumable: Bool) -> RecordStep {
        .bad(PacketInputError(file: file, location: .init(record: index > 0 ? index : nil, line: error.line,
                                                          byteOffset: error.byteOffset),
                              reason: "invalid JSON: " + error.reason), resumable: resumable)
    }

    private func stepArray() -> RecordStep {
        do throws(JSONSyntaxError) {
            switch state {
            case .done:
                return .end
            case .beforeArray:
                scanner.skipWhitespace()
                try scanner.expect(UInt8(ascii: "["), "a JSON array \"[\"")
                scanner.skipWhitespace()
                if scanner.peek == UInt8(ascii: "]") {
                    scanner.offset += 1
                    state = .afterArray
                } else {
                    state = .inArray
                }
                return stepArray()
            case .afterArray:
                state = .done
                scanner.skipWhitespace()
                guard scanner.atEnd else { throw scanner.error("unexpected content after the closing \"]\"") }
                return .end
            case .inArray:
                scanner.skipWhitespace()
                // Only a comma leads here with "]" next: the empty array was handled above.
                if scanner.peek == UInt8(ascii: "]") {
                    throw scanner.error("a comma after the last packet; remove it (JSON has no trailing commas)")
                }
                index += 1
                let line = scanner.line
                let start = scanner.offset
                let value = try scanner.parseValue()
                scanner.skipWhitespace()
                if scanner.peek == UInt8(ascii: ",") {
                    scanner.offset += 1
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
        scanner.skipWhitespace()
        guard !scanner.atEnd else {
            state = .done
            return .end
        }
        index += 1
        let line = scanner.line
        let start = scanner.offset
        do throws(JSONSyntaxError) {
            let value = try scanner.parseValue()
            return packet(from: value, line: line, byteOffset: start)
        } catch {
            // Each line is one packet: --skip-bad resumes at the line after this packet's first.
            scanner.offset = start
            scanner.line = line
            scanner.skipLine()
            var position = "line \(error.line)"
            if error.line == line { position += ", byte offset \(error.byteOffset)" }
            return .bad(PacketInputError(file: file, location: .init(record: index, line: line, byteOffset: start),
                                         reason: "invalid JSON at \(position): " + error.reason,
                                         fix: "write one JSON object per line"), resumable: true)
        }
    }

    private func packet(from value: JSONValue, line: Int, byteOffset: Int) -> RecordStep {
        guard case .object(let members) = value else {
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
