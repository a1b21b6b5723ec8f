/// The per-packet listing of `dry-run`, text or JSON, written as bytes into the caller's
/// buffer. Byte for byte what `DryRunText.line` and `DryRunText.json(…).serialized` give
/// (the tests hold it to them), without a String or a JSON tree per packet: what many packets
/// share — the decider, the interface — is rendered and escaped once and copied; numbers and
/// addresses are written digit by digit. A million lines then cost little more than reading.
public struct DryRunListing {
    public enum Format: Sendable { case text, json }

    public let format: Format
    private let evaluator: Evaluator
    /// Per decision: text ` by …` (terminal-escaped, empty for nobody), or the JSON
    /// `"decided_by": {…}` member.
    private var deciders: [Decision: [UInt8]] = [:]
    /// The last interface seen and its rendering (captures have one interface throughout).
    private var interface: InputInterface?
    private var interfaceBytes: [UInt8] = []

    public init(format: Format, evaluator: Evaluator) {
        self.format = format
        self.evaluator = evaluator
    }

    /// Appends packet `number`'s line (text, with its line break) or object (JSON, no separator).
    public mutating func append(number: Int, packet: Packet, outcome: Evaluator.Outcome, to out: inout [UInt8]) {
        if interface != packet.inputInterface { render(packet.inputInterface) }
        switch format {
        case .text: appendLine(number: number, packet: packet, outcome: outcome, to: &out)
        case .json: appendObject(number: number, packet: packet, outcome: outcome, to: &out)
        }
    }

    private mutating func appendLine(number: Int, packet: Packet, outcome: Evaluator.Outcome, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "#"))
        out.appendDecimal(number)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: interfaceBytes)
        out.append(UInt8(ascii: " "))
        out.appendAddress(packet.source)
        out.append(contentsOf: " -> ".utf8)
        out.appendAddress(packet.destination)
        if let transport = packet.transport {
            out.append(UInt8(ascii: " "))
            out.appendTransport(transport)
            if let port = packet.destinationPort {
                out.append(UInt8(ascii: "/"))
                out.appendDecimal(Int(port))
            }
        }
        out.append(contentsOf: ": ".utf8)
        out.append(contentsOf: DryRunText.word(outcome.verdict).utf8)
        out.append(contentsOf: deciderBytes(outcome.decision))
        if let expected = packet.expected, (expected == .drop) != outcome.verdict.isDrop {
            out.append(contentsOf: " [expected ".utf8)
            out.append(contentsOf: expected.rawValue.utf8)
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "\n"))
    }

    private mutating func appendObject(number: Int, packet: Packet, outcome: Evaluator.Outcome, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"number": "#.utf8)
        out.appendDecimal(number)
        out.append(contentsOf: #", "packet": {"#.utf8)
        out.append(contentsOf: interfaceBytes)
        out.append(contentsOf: #", "src": ""#.utf8)
        out.appendAddress(packet.source)
        out.append(contentsOf: #"", "dst": ""#.utf8)
        out.appendAddress(packet.destination)
        out.append(UInt8(ascii: "\""))
        if let transport = packet.transport {
            out.append(contentsOf: #", "proto": ""#.utf8)
            out.appendTransport(transport)
            out.append(UInt8(ascii: "\""))
        }
        if let port = packet.sourcePort {
            out.append(contentsOf: #", "sport": "#.utf8)
            out.appendDecimal(Int(port))
        }
        if let port = packet.destinationPort {
            out.append(contentsOf: #", "dport": "#.utf8)
            out.appendDecimal(Int(port))
        }
        out.append(contentsOf: #", "length": "#.utf8)
        out.appendDecimal(packet.length)
        if packet.routeLocalnet { out.append(contentsOf: #", "route_localnet": true"#.utf8) }
        if let expected = packet.expected {
            out.append(contentsOf: #", "expect": ""#.utf8)
            out.append(contentsOf: expected.rawValue.utf8)
            out.append(UInt8(ascii: "\""))
        }
        out.append(contentsOf: #"}, "verdict": ""#.utf8)
        out.append(contentsOf: DryRunText.word(outcome.verdict).utf8)
        out.append(contentsOf: #"", "#.utf8)
        out.append(contentsOf: deciderBytes(outcome.decision))
        if let expected = packet.expected {
            out.append(contentsOf: ((expected == .drop) != outcome.verdict.isDrop ? #", "mismatch": true"# : #", "mismatch": false"#).utf8)
        }
        out.append(UInt8(ascii: "}"))
    }

    private mutating func render(_ new: InputInterface) {
        interface = new
        switch format {
        case .text:
            interfaceBytes = Array(new.name.terminalEscaped.utf8)
        case .json:
            var text = ""
            OrderedJSON.object([("iif", .string(new.name)), ("iif_kind", .string(new.kind.rawValue))]).write(to: &text)
            // The members without the braces: the packet object goes on after them.
            interfaceBytes = Array(text.utf8.dropFirst().dropLast())
        }
    }

    private mutating func deciderBytes(_ decision: Decision) -> [UInt8] {
        if let known = deciders[decision] { return known }
        let decider = evaluator.decider(decision)
        let bytes: [UInt8]
        switch format {
        case .text: bytes = decider == .nobody ? [] : Array(" by \(decider)".terminalEscaped.utf8)
        case .json: bytes = Array(("\"decided_by\": " + decider.json.serialized).utf8)
        }
        deciders[decision] = bytes
        return bytes
    }
}

extension [UInt8] {
    /// `value` in decimal, as `String(value)` writes it.
    @inline(__always)
    mutating func appendDecimal(_ value: Int) {
        guard value >= 0 else { return append(contentsOf: String(value).utf8) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: enough for Int.max
        var remaining = UInt(value)
        var count = 0
        Swift.withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                count += 1
                buffer[24 - count] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
                remaining /= 10
            } while remaining > 0
            append(contentsOf: buffer[(24 - count)...])
        }
    }

    mutating func appendAddress(_ address: IPAddress) {
        switch address {
        case .v4(let v4): appendIPv4(v4.bits)
        case .v6(let v6): appendIPv6(v6.bits)
        }
    }

    mutating func appendIPv4(_ bits: UInt32) {
        appendDecimal(Int(bits >> 24))
        append(UInt8(ascii: "."))
        appendDecimal(Int(bits >> 16 & 0xff))
        append(UInt8(ascii: "."))
        appendDecimal(Int(bits >> 8 & 0xff))
        append(UInt8(ascii: "."))
        appendDecimal(Int(bits & 0xff))
    }

    /// As `IPv6Address.description` writes it (RFC 5952, glibc's dotted quads).
    mutating func appendIPv6(_ bits: UInt128) {
        func group(_ index: Int) -> UInt16 { UInt16(truncatingIfNeeded: bits >> UInt128(112 - 16 * index)) }
        let (best, mixed) = IPv6Address.textLayout(bits)
        var index = 0
        while index < 8 {
            if index == best.start {
                append(UInt8(ascii: ":"))
                if index == 0 { append(UInt8(ascii: ":")) }
                index += best.length
                continue
            }
            if mixed && index == 6 {
                appendIPv4(UInt32(truncatingIfNeeded: bits))
                return
            }
            appendHex(group(index))
            if index < 7 { append(UInt8(ascii: ":")) }
            index += 1
        }
    }

    /// Lower-case hex without leading zeros, as `String(value, radix: 16)`.
    mutating func appendHex(_ value: UInt16) {
        var shift = 12
        while shift > 0 && value >> UInt16(shift) == 0 { shift -= 4 }
        while shift >= 0 {
            let nibble = UInt8(truncatingIfNeeded: value >> UInt16(shift) & 0xf)
            append(nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &+ nibble &- 10)
            shift -= 4
        }
    }

    mutating func appendTransport(_ transport: TransportProtocol) {
        switch transport {
        case .tcp: append(contentsOf: "tcp".utf8)
        case .udp: append(contentsOf: "udp".utf8)
        case .icmp: append(contentsOf: "icmp".utf8)
        case .icmpv6: append(contentsOf: "icmpv6".utf8)
        case .other(let number):
            append(contentsOf: "proto-".utf8)
            appendDecimal(Int(number))
        }
    }
}
