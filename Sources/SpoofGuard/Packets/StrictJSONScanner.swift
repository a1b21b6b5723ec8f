/// A JSON value as written, keeping what a strict reader must see: numbers as their text (so
/// `53`, `53.0` and `true` stay distinct), object members in order with their lines, and
/// duplicate keys (refused when scanned).
enum JSONValue: Sendable {
    case object([JSONMember])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// How an error message names the type of a value.
    var typeName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}

struct JSONMember: Sendable {
    var key: String
    var value: JSONValue
    var line: Int
}

struct JSONSyntaxError: Error {
    var reason: String
    var byteOffset: Int
    var line: Int
}

/// RFC 8259 JSON over a byte buffer, one value at a time, tracking lines for messages.
/// Nesting is bounded so that no input can exhaust the stack.
struct StrictJSONScanner {
    let reader: ByteReader
    var offset: Int
    var line = 1
    static let maximumDepth = 64

    init(bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        reader = ByteReader(bytes: bytes)
        self.offset = offset
    }

    var atEnd: Bool { offset >= reader.count }

    var peek: UInt8? { offset < reader.count ? reader.u8(offset) : nil }

    mutating func skipWhitespace() {
        while offset < reader.count {
            switch reader.u8(offset) {
            case UInt8(ascii: "\n"): line += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
            default: return
            }
            offset += 1
        }
    }

    /// Skips a UTF-8 byte-order mark, which some editors write and JSON tolerates.
    mutating func skipByteOrderMark() {
        if reader.count - offset >= 3, reader.u8(offset) == 0xEF, reader.u8(offset + 1) == 0xBB,
           reader.u8(offset + 2) == 0xBF {
            offset += 3
        }
    }

    /// Moves past the next newline (to resynchronise JSON lines after a syntax error).
    mutating func skipLine() {
        while offset < reader.count {
            let byte = reader.u8(offset)
            offset += 1
            if byte == UInt8(ascii: "\n") {
                line += 1
                return
            }
        }
    }

    func error(_ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(reason: reason, byteOffset: offset, line: line)
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard peek == byte else { throw error("expected \(what) \(found)") }
        offset += 1
    }

    var found: String {
        guard let byte = peek else { return "but the input ends" }
        if byte >= 0x20 && byte < 0x7F { return "but found \"\(Character(Unicode.Scalar(byte)))\"" }
        return "but found byte 0x\(String(byte, radix: 16))"
    }

    mutating func parseValue(depth: Int = 0) throws(JSONSyntaxError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw error("nesting is deeper than \(Self.maximumDepth) levels") }
        skipWhitespace()
        guard let byte = peek else { throw error("expected a value but the input ends") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["):
            offset += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if peek == UInt8(ascii: "]") {
                offset += 1
                return .array(elements)
            }
            while true {
                elements.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                if peek == UInt8(ascii: ",") {
                    offset += 1
                    continue
                }
                try expect(UInt8(ascii: "]"), "\",\" or \"]\"")
                return .array(elements)
            }
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("expected a value \(found)")
        }
    }

    mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        try expect(UInt8(ascii: "{"), "\"{\"")
        var members: [JSONMember] = []
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            offset += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { throw error("expected a key in double quotes \(found)") }
            let keyLine = line
            let keyOffset = offset
            let key = try parseString()
            if members.contains(where: { $0.key == key }) {
                throw JSONSyntaxError(reason: "key \"\(key)\" appears twice in one object; keep one",
                                      byteOffset: keyOffset, line: keyLine)
            }
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "\":\" after the key")
            let value = try parseValue(depth: depth + 1)
            members.append(JSONMember(key: key, value: value, line: keyLine))
            skipWhitespace()
            if peek == UInt8(ascii: ",") {
                offset += 1
                continue
            }
            try expect(UInt8(ascii: "}"), "\",\" or \"}\"")
            return .object(members)
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(JSONSyntaxError) -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard reader.has(count, at: offset) else { throw error("expected \(word)") }
        for index in 0..<count where reader.u8(offset + index) != word.utf8Start[index] {
            throw error("expected a value (true, false, null, a number, a string, an array or an object)")
        }
        offset += count
        return value
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = offset
        func digits() -> Int {
            var count = 0
            while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                offset += 1
                count += 1
            }
            return count
        }
        if peek == UInt8(ascii: "-") { offset += 1 }
        if peek == UInt8(ascii: "0") {
            offset += 1
            if let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                throw error("numbers cannot have leading zeros")
            }
        } else if digits() == 0 {
            throw error("expected digits in a number")
        }
        if peek == UInt8(ascii: ".") {
            offset += 1
            guard digits() > 0 else { throw error("expected digits after the decimal point") }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            offset += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { offset += 1 }
            guard digits() > 0 else { throw error("expected digits in the exponent") }
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: reader.bytes[start..<offset]), as: UTF8.self)
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        try expect(UInt8(ascii: "\""), "\"\\\"\"")
        let start = offset
        // Fast path: no escapes; ASCII needs no validation.
        var ascii = true
        while let byte = peek, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\"), byte >= 0x20 {
            if byte >= 0x80 { ascii = false }
            offset += 1
        }
        if peek == UInt8(ascii: "\"") {
            let raw = UnsafeRawBufferPointer(rebasing: reader.bytes[start..<offset])
            offset += 1
            if ascii { return String(decoding: raw, as: UTF8.self) }
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw JSONSyntaxError(reason: "string is not valid UTF-8", byteOffset: start, line: line)
            }
            return text
        }
        var bytes = Array(UnsafeRawBufferPointer(rebasing: reader.bytes[start..<offset]))
        while true {
            guard let byte = peek else { throw error("string is not closed") }
            if byte == UInt8(ascii: "\"") {
                offset += 1
                break
            }
            guard byte >= 0x20 else { throw error("control characters must be escaped in strings") }
            offset += 1
            guard byte == UInt8(ascii: "\\") else {
                bytes.append(byte)
                continue
            }
            guard let escape = peek else { throw error("string is not closed") }
            offset += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escape)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hexQuad()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard reader.has(2, at: offset), reader.u8(offset) == UInt8(ascii: "\\"),
                          reader.u8(offset + 1) == UInt8(ascii: "u") else { throw error("unpaired surrogate in \\u escape") }
                    offset += 2
                    let low = try hexQuad()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw error("unpaired surrogate in \\u escape")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                bytes.append(contentsOf: Array(String(Character(unicode)).utf8))
            default:
                throw error("unknown escape \"\\\(Character(Unicode.Scalar(escape)))\" in a string")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw JSONSyntaxError(reason: "string is not valid UTF-8", byteOffset: start, line: line)
        }
        return text
    }

    private mutating func hexQuad() throws(JSONSyntaxError) -> UInt32 {
        guard reader.has(4, at: offset) else { throw error("\\u needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = reader.u8(offset)
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("\\u needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }
}
