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
    private var lastDecision: Decision?
    private var lastDeciderBytes: [UInt8] = []
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
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ByteCursor.capacity) { scratch in
            var cursor = ByteCursor(scratch)
            cursor.put("#")
            cursor.decimal(number)
            cursor.put(" ")
            cursor.flush(into: &out)
            out.append(contentsOf: interfaceBytes)
            cursor.put(" ")
            cursor.address(packet.source)
            cursor.put(" -> ")
            cursor.address(packet.destination)
            cursor.lineTransport(packet.transport, destinationPort: packet.destinationPort)
            // Rare, and the encapsulation's name is fixed ASCII: no escaping needed.
            if packet.encapsulation.isWrappedForHooks {
                cursor.flush(into: &out)
                out.append(contentsOf: " in \(packet.encapsulation)".utf8)
            }
            cursor.put(": ")
            cursor.put(DryRunListing.word(outcome.verdict))
            cursor.flush(into: &out)
            out.append(contentsOf: deciderBytes(outcome.decision))
            if let expected = packet.expected, (expected == .drop) != outcome.verdict.isDrop {
                cursor.put(expected == .drop ? " [expected drop]" : " [expected accept]")
            }
            cursor.put("\n")
            cursor.flush(into: &out)
        }
    }

    private mutating func appendObject(number: Int, packet: Packet, outcome: Evaluator.Outcome, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ByteCursor.capacity) { scratch in
            var cursor = ByteCursor(scratch)
            cursor.put(#"{"number": "#)
            cursor.decimal(number)
            cursor.put(#", "packet": {"#)
            cursor.flush(into: &out)
            out.append(contentsOf: interfaceBytes)
            cursor.put(#", "src": ""#)
            cursor.address(packet.source)
            cursor.put(#"", "dst": ""#)
            cursor.address(packet.destination)
            cursor.put("\"")
            if let transport = packet.transport {
                cursor.put(#", "proto": ""#)
                cursor.transport(transport)
                cursor.put("\"")
            }
            if let port = packet.sourcePort {
                cursor.put(#", "sport": "#)
                cursor.decimal(Int(port))
            }
            if let port = packet.destinationPort {
                cursor.put(#", "dport": "#)
                cursor.decimal(Int(port))
            }
            cursor.put(#", "length": "#)
            cursor.decimal(packet.length)
            if packet.routeLocalnet { cursor.put(#", "route_localnet": true"#) }
            if let expected = packet.expected { cursor.put(expected == .drop ? #", "expect": "drop""# : #", "expect": "accept""#) }
            if packet.encapsulation != .untagged {
                cursor.flush(into: &out)
                out.append(contentsOf: #", "encapsulation": "\#(packet.encapsulation)""#.utf8)
            }
            cursor.put(#"}, "verdict": ""#)
            cursor.put(DryRunListing.word(outcome.verdict))
            cursor.put(#"", "#)
            cursor.flush(into: &out)
            out.append(contentsOf: deciderBytes(outcome.decision))
            if let expected = packet.expected {
                cursor.put((expected == .drop) != outcome.verdict.isDrop ? #", "mismatch": true"# : #", "mismatch": false"#)
            }
            cursor.put("}")
            cursor.flush(into: &out)
        }
    }

    /// `DryRunText.word`, without a String.
    static func word(_ verdict: PacketVerdict) -> StaticString {
        switch verdict {
        case .accepted: "accept"
        case .dropped: "drop"
        case .rejected: "reject"
        }
    }

    private mutating func render(_ new: InputInterface) {
        interface = new
        switch format {
        case .text:
            interfaceBytes = Array(new.name.terminalEscaped.utf8)
        case .json: interfaceBytes = Self.interfaceMembers(new)
        }
    }

    /// The packet object's `"iif": …, "iif_kind": …` members, without braces: the object goes
    /// on after them.
    static func interfaceMembers(_ interface: InputInterface) -> [UInt8] {
        var writer = JSONWriter()
        writer.member("iif", interface.name)
        writer.member("iif_kind", interface.kind.rawValue)
        return writer.take()
    }

    /// The result object's `"decided_by": {…}` member.
    static func deciderMember(_ decider: Decider) -> [UInt8] {
        var writer = JSONWriter()
        writer.key("decided_by")
        writer.write(decider.json)
        return writer.take()
    }

    private mutating func deciderBytes(_ decision: Decision) -> [UInt8] {
        // Most packets share their decider with the one before: no hashing for them.
        if decision == lastDecision { return lastDeciderBytes }
        let bytes = renderedDecider(decision)
        (lastDecision, lastDeciderBytes) = (decision, bytes)
        return bytes
    }

    private mutating func renderedDecider(_ decision: Decision) -> [UInt8] {
        if let known = deciders[decision] { return known }
        let decider = evaluator.decider(decision)
        let bytes: [UInt8]
        switch format {
        case .text: bytes = decider == .nobody ? [] : Array(" by \(decider)".terminalEscaped.utf8)
        case .json: bytes = Self.deciderMember(decider)
        }
        deciders[decision] = bytes
        return bytes
    }
}

/// Writes one stretch of a listing line into scratch memory without bounds or uniqueness
/// checks per byte, then hands it to the output in one copy. A stretch holds at most two
/// addresses, a few numbers and fixed words, far below `capacity`; the untrusted and
/// unbounded parts (interface, decider) are copied into the output between stretches.
struct ByteCursor {
    static let capacity = 512
    private let base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0

    init(_ scratch: UnsafeMutableBufferPointer<UInt8>) {
        precondition(scratch.count >= Self.capacity)
        base = scratch.baseAddress!
    }

    /// A cursor writing at `base`, where the caller has made room for everything it writes
    /// (the capture listing's output buffer).
    init(unchecked base: UnsafeMutablePointer<UInt8>) {
        self.base = base
    }

    @inline(__always)
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress else { return }
        (base + count).update(from: start, count: bytes.count)
        count &+= bytes.count
    }

    /// What was written since the last flush, appended to `out`; the cursor starts again.
    mutating func flush(into out: inout [UInt8]) {
        precondition(count <= Self.capacity)
        out.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
        count = 0
    }

    @inline(__always)
    mutating func put(_ byte: UInt8) {
        base[count] = byte
        count &+= 1
    }

    @inline(__always)
    mutating func put(_ text: StaticString) {
        (base + count).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        count &+= text.utf8CodeUnitCount
    }

    /// `value` in decimal, as `String(value)` writes it.
    mutating func decimal(_ value: Int) {
        if value < 0 { put(UInt8(ascii: "-")) }
        var remaining = value.magnitude
        // Division by the constant 10 compiles to a multiply; by a variable it would not.
        var digits = 1
        var rest = remaining
        while rest >= 10 {
            rest /= 10
            digits &+= 1
        }
        var position = count &+ digits
        count = position
        repeat {
            position &-= 1
            base[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
            remaining /= 10
        } while remaining > 0
    }

    mutating func address(_ address: IPAddress) {
        switch address {
        case .v4(let v4): ipv4(v4.bits)
        case .v6(let v6): ipv6(v6.bits)
        }
    }

    mutating func ipv4(_ bits: UInt32) {
        octet(UInt8(truncatingIfNeeded: bits >> 24))
        put(UInt8(ascii: "."))
        octet(UInt8(truncatingIfNeeded: bits >> 16))
        put(UInt8(ascii: "."))
        octet(UInt8(truncatingIfNeeded: bits >> 8))
        put(UInt8(ascii: "."))
        octet(UInt8(truncatingIfNeeded: bits))
    }

    @inline(__always)
    private mutating func octet(_ value: UInt8) {
        if value >= 100 { put(UInt8(ascii: "0") &+ value / 100) }
        if value >= 10 { put(UInt8(ascii: "0") &+ value / 10 % 10) }
        put(UInt8(ascii: "0") &+ value % 10)
    }

    /// As `IPv6Address.description` writes it (RFC 5952, glibc's dotted quads).
    mutating func ipv6(_ bits: UInt128) {
        func group(_ index: Int) -> UInt16 { UInt16(truncatingIfNeeded: bits >> UInt128(112 - 16 * index)) }
        let (best, mixed) = IPv6Address.textLayout(bits)
        var index = 0
        while index < 8 {
            if index == best.start {
                put(UInt8(ascii: ":"))
                if index == 0 { put(UInt8(ascii: ":")) }
                index += best.length
                continue
            }
            if mixed && index == 6 {
                ipv4(UInt32(truncatingIfNeeded: bits))
                return
            }
            hex(group(index))
            if index < 7 { put(UInt8(ascii: ":")) }
            index += 1
        }
    }

    /// Lower-case hex without leading zeros, as `String(value, radix: 16)`.
    mutating func hex(_ value: UInt16) {
        var shift = 12
        while shift > 0 && value >> UInt16(shift) == 0 { shift -= 4 }
        while shift >= 0 {
            let nibble = UInt8(truncatingIfNeeded: value >> UInt16(shift) & 0xf)
            put(nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &+ nibble &- 10)
            shift -= 4
        }
    }

    mutating func transport(_ transport: TransportProtocol) {
        switch transport {
        case .tcp: put("tcp")
        case .udp: put("udp")
        case .icmp: put("icmp")
        case .icmpv6: put("icmpv6")
        case .other(let number):
            put("proto-")
            decimal(Int(number))
        }
    }

    /// ` udp/53`: a transport and its destination port as a listing line shows them
    /// (`Packet.displayText`); nothing without a transport.
    @inline(__always)
    mutating func lineTransport(_ transport: TransportProtocol?, destinationPort: UInt16?) {
        guard let transport else { return }
        put(" ")
        self.transport(transport)
        if let destinationPort {
            put("/")
            decimal(Int(destinationPort))
        }
    }

    /// What `body` writes, as an array (for tests).
    static func bytes(_ body: (inout ByteCursor) -> Void) -> [UInt8] {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { scratch in
            var cursor = ByteCursor(scratch)
            body(&cursor)
            var out: [UInt8] = []
            cursor.flush(into: &out)
            return out
        }
    }
}
