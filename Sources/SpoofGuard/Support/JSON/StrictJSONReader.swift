extension StrictJSON {
    /// Recursive descent over UTF-8 bytes, for a whole document (`parseDocument`, policies) or
    /// one value at a time (`readValue`, packet lists: a JSON array or JSON lines, framed by the
    /// caller with `expect`, `skipLine` and the position). Tracks line and column as it goes,
    /// so positions cost nothing extra even on a single very long line. Reads in place from a
    /// buffer the caller keeps alive (a mapped capture, or a policy's bytes).
    struct Reader {
        let bytes: UnsafeRawBufferPointer
        let limits: Limits
        var index = 0
        var line = 1
        var column = 1
        var depth = 0
        var valueCount = 0

        init(bytes: UnsafeRawBufferPointer, limits: Limits = Limits()) {
            self.bytes = bytes
            self.limits = limits
        }

        mutating func parseDocument() throws(SyntaxError) -> Value {
            if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
                throw error("the input is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8")
            }
            skipByteOrderMark()
            try skipWhitespace()
            guard index < bytes.count else {
                throw error("the document is empty; a policy is a JSON object such as {\"version\": 1}")
            }
            let value = try readValue()
            try skipWhitespace()
            if index < bytes.count {
                throw error("unexpected \(describeCurrent()) after the end of the JSON value")
            }
            return value
        }

        // MARK: Values

        /// One value starting at the next non-blank byte; the value limit counts from here, and
        /// nesting from the top level (a value abandoned at an error leaves its depth behind).
        mutating func readValue() throws(SyntaxError) -> Value {
            valueCount = 0
            depth = 0
            try skipWhitespace()
            guard index < bytes.count else { throw error("expected a value but the input ends") }
            return try parseValue()
        }

        mutating func parseValue() throws(SyntaxError) -> Value {
            valueCount += 1
            if valueCount > limits.maximumValues {
                throw error("the document holds more than \(limits.maximumValues) values, far more than any policy needs")
            }
            let start = position
            switch bytes[index] {
            case UInt8(ascii: "{"): return Value(.object(try parseObject()), at: start)
            case UInt8(ascii: "["): return Value(.array(try parseArray()), at: start)
            case UInt8(ascii: "\""): return Value(.string(try parseString()), at: start)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return Value(.number(try parseNumber()), at: start)
            case UInt8(ascii: "'"):
                throw error("JSON strings are written in double quotes (\"), not single quotes")
            case UInt8(ascii: "+"), UInt8(ascii: "."):
                throw error("a JSON number starts with a digit or \"-\" (write 1 or 0.5, not +1 or .5)")
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                return Value(try parseWord(), at: start)
            default:
                throw error("expected a value (an object, list, string, number, true, false or null), found \(describeCurrent())")
            }
        }

        mutating func parseWord() throws(SyntaxError) -> Kind {
            let start = index
            var end = index
            while end < bytes.count, isWordByte(bytes[end]) { end += 1 }
            let word = text(start..<end)
            let kind: Kind
            switch word {
            case "true": kind = .bool(true)
            case "false": kind = .bool(false)
            case "null": kind = .null
            default:
                let hint = ["True", "TRUE"].contains(word) ? " (write true)"
                    : ["False", "FALSE"].contains(word) ? " (write false)"
                    : ["None", "NULL", "Null", "nil"].contains(word) ? " (write null)"
                    : " (strings need double quotes)"
                throw error("\"\(word)\" is not a JSON value; JSON knows only true, false and null as bare words\(hint)")
            }
            advance(by: end - start)
            return kind
        }

        private func isWordByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"): true
            default: false
            }
        }

        mutating func parseObject() throws(SyntaxError) -> [Member] {
            try enterContainer()
            advance()   // {
            var members: [Member] = []
            try skipWhitespace()
            if try peek("the object") == UInt8(ascii: "}") {
                advance()
                depth -= 1
                return members
            }
            while true {
                let keyPosition = position
                guard try peek("the object") == UInt8(ascii: "\"") else {
                    if bytes[index] == UInt8(ascii: "}") && !members.isEmpty {
                        throw error("trailing comma before \"}\"; JSON does not allow one")
                    }
                    if bytes[index] == UInt8(ascii: "'") {
                        throw error("JSON keys are written in double quotes (\"), not single quotes")
                    }
                    throw error("expected a key in double quotes, found \(describeCurrent())")
                }
                let keyOffset = index
                let key = try parseString()
                if limits.refusesDuplicateKeys, members.contains(where: { $0.key == key }) {
                    throw SyntaxError(position: keyPosition, message: "key \"\(key)\" appears twice in one object; keep one",
                                      byteOffset: keyOffset)
                }
                try skipWhitespace()
                guard try peek("the object") == UInt8(ascii: ":") else {
                    throw error("expected \":\" after the key \"\(key)\", found \(describeCurrent())")
                }
                advance()
                try skipWhitespace()
                _ = try peek("the object")
                let value = try parseValue()
                members.append(Member(key: key, keyPosition: keyPosition, value: value))
                try skipWhitespace()
                switch try peek("the object") {
                case UInt8(ascii: ","):
                    advance()
                    try skipWhitespace()
                case UInt8(ascii: "}"):
                    advance()
                    depth -= 1
                    return members
                default:
                    throw error("expected \",\" or \"}\" after the value of \"\(key)\", found \(describeCurrent())")
                }
            }
        }

        mutating func parseArray() throws(SyntaxError) -> [Value] {
            try enterContainer()
            let openingOffset = index
            advance()   // [
            var elements: [Value] = []
            try skipWhitespace()
            if try peek("the list") == UInt8(ascii: "]") {
                advance()
                depth -= 1
                return elements
            }
            while true {
                if bytes[index] == UInt8(ascii: "]") {
                    throw error("trailing comma before \"]\"; JSON does not allow one")
                }
                if elements.count == elements.capacity { reserveProjectedCapacity(&elements, since: openingOffset) }
                elements.append(try parseValue())
                try skipWhitespace()
                switch try peek("the list") {
                case UInt8(ascii: ","):
                    advance()
                    try skipWhitespace()
                    _ = try peek("the list")
                case UInt8(ascii: "]"):
                    advance()
                    depth -= 1
                    return elements
                default:
                    throw error("expected \",\" or \"]\" after a list element, found \(describeCurrent())")
                }
            }
        }

        /// A long list (a 100 k-prefix policy) grows once to the size its elements so far
        /// project over the rest of the input, instead of doubling five more times, each a copy
        /// of every element into fresh pages. Short lists, and projections that would not beat
        /// doubling, grow as usual. The value limit bounds the projection.
        private func reserveProjectedCapacity(_ elements: inout [Value], since openingOffset: Int) {
            let count = elements.count
            guard count >= 4096 else { return }
            let share = Double(bytes.count - openingOffset) / Double(index - openingOffset)
            let more = min(Double(count) * (share - 1), Double(limits.maximumValues - valueCount))
            if more > Double(count) { elements.reserveCapacity(count + Int(more)) }
        }

        mutating func enterContainer() throws(SyntaxError) {
            depth += 1
            if depth > limits.maximumDepth {
                throw error("nesting is deeper than \(limits.maximumDepth) levels, far deeper than any policy needs")
            }
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as written.
        mutating func parseNumber() throws(SyntaxError) -> String {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { advance() }
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw error("expected a digit after \"-\"")
            }
            if bytes[index] == UInt8(ascii: "0") {
                advance()
                if index < bytes.count, isDigit(bytes[index]) {
                    throw error("a JSON number cannot have a leading zero")
                }
            } else {
                skipDigits()
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                advance()
                guard index < bytes.count, isDigit(bytes[index]) else {
                    throw error("expected a digit after the decimal point")
                }
                skipDigits()
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                advance()
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    advance()
                }
                guard index < bytes.count, isDigit(bytes[index]) else {
                    throw error("expected a digit in the exponent")
                }
                skipDigits()
            }
            return text(start..<index)
        }

        private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        private mutating func skipDigits() {
            while index < bytes.count, isDigit(bytes[index]) { advance() }
        }

        // MARK: Strings

        mutating func parseString() throws(SyntaxError) -> String {
            let opening = position
            let openingOffset = index
            advance()   // "
            // Fast path: printable ASCII up to the closing quote, what nearly every policy
            // string is (a 100 k-prefix list is 100 k of them). No newline and no UTF-8
            // continuation byte inside, so the column moves by one per byte.
            var end = index
            while end < bytes.count {
                let byte = bytes[end]
                guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") else { break }
                end += 1
            }
            if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
                let string = text(index..<end)
                column += end + 1 - index
                index = end + 1
                return string
            }
            var result = Array(UnsafeRawBufferPointer(rebasing: bytes[index..<end]))
            column += end - index
            index = end
            while true {
                guard index < bytes.count else {
                    throw SyntaxError(position: opening, message: "this string is never closed with a double quote",
                                      byteOffset: openingOffset)
                }
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    advance()
                    return String(decoding: result, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    try parseEscape(into: &result)
                case 0..<0x20:
                    let hint = byte == 0x0A ? "; a string cannot span lines (write \\n)" : " (write it as an escape such as \\t or \\u00XX)"
                    throw error("a control character (0x\(hex(byte, width: 2))) cannot appear raw inside a string\(hint)")
                case 0x20..<0x80:
                    result.append(byte)
                    advance()
                default:
                    let length = try validUTF8SequenceLength()
                    result.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<index + length]))
                    advance(by: length)
                }
            }
        }

        mutating func parseEscape(into result: inout [UInt8]) throws(SyntaxError) {
            advance()   // backslash
            guard index < bytes.count else { throw error("the string ends inside an escape") }
            let escaped = bytes[index]
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): result.append(escaped)
            case UInt8(ascii: "b"): result.append(0x08)
            case UInt8(ascii: "f"): result.append(0x0C)
            case UInt8(ascii: "n"): result.append(0x0A)
            case UInt8(ascii: "r"): result.append(0x0D)
            case UInt8(ascii: "t"): result.append(0x09)
            case UInt8(ascii: "u"):
                let escapeStart = Position(line: line, column: column - 1)
                let escapeOffset = index - 1
                advance()
                var scalar = try hexQuad()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw SyntaxError(position: escapeStart, message: "\\u\(hex(scalar, width: 4)) is half of a UTF-16 surrogate pair and is not followed by its low half",
                                          byteOffset: escapeOffset)
                    }
                    advance(by: 2)
                    let low = try hexQuad()
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw SyntaxError(position: escapeStart, message: "\\u\(hex(scalar, width: 4)) is a high surrogate followed by \\u\(hex(low, width: 4)), which is not a low surrogate",
                                          byteOffset: escapeOffset)
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw SyntaxError(position: escapeStart, message: "\\u\(hex(scalar, width: 4)) is a lone low surrogate, not a character",
                                      byteOffset: escapeOffset)
                }
                result.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
                return
            default:
                throw error("\\\(describe(escaped)) is not a JSON escape; use \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX")
            }
            advance()
        }

        mutating func hexQuad() throws(SyntaxError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard index < bytes.count, let digit = hexValue(bytes[index]) else {
                    throw error("\\u must be followed by four hexadecimal digits")
                }
                value = value << 4 | digit
                advance()
            }
            return value
        }

        private func hexValue(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
            default: nil
            }
        }

        /// Length of the well-formed UTF-8 sequence at `index` (Unicode Table 3-7), or an error.
        func validUTF8SequenceLength() throws(SyntaxError) -> Int {
            let lead = bytes[index]
            let length: Int
            var secondRange: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; secondRange = 0xA0...0xBF
            case 0xED: length = 3; secondRange = 0x80...0x9F
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xF0: length = 4; secondRange = 0x90...0xBF
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; secondRange = 0x80...0x8F
            default: throw error("the input is not valid UTF-8 (byte 0x\(hex(lead, width: 2)))")
            }
            for offset in 1..<length {
                let range = offset == 1 ? secondRange : 0x80...0xBF
                guard index + offset < bytes.count, range.contains(bytes[index + offset]) else {
                    throw error("the input is not valid UTF-8 (byte 0x\(hex(lead, width: 2)) starts a broken sequence)")
                }
            }
            return length
        }

        // MARK: Position and whitespace

        var position: Position { Position(line: line, column: column) }

        mutating func advance(by count: Int = 1) {
            for _ in 0..<count {
                let byte = bytes[index]
                index += 1
                if byte == 0x0A {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
        }

        /// Skips blanks, and refuses a comment where they end.
        mutating func skipWhitespace() throws(SyntaxError) {
            skipBlanks()
            if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "/"),
               bytes[index + 1] == UInt8(ascii: "/") || bytes[index + 1] == UInt8(ascii: "*") {
                throw error("JSON does not allow comments")
            }
        }

        /// Space, tab, carriage return and newline (RFC 8259's whitespace).
        mutating func skipBlanks() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0D:
                    index += 1
                    column += 1
                case 0x0A:
                    index += 1
                    line += 1
                    column = 1
                default: return
                }
            }
        }

        /// Skips a UTF-8 byte-order mark, which some editors write and RFC 8259 §8.1 lets a
        /// reader ignore.
        mutating func skipByteOrderMark() {
            if bytes.count - index >= 3, bytes[index] == 0xEF, bytes[index + 1] == 0xBB, bytes[index + 2] == 0xBF {
                index += 3
            }
        }

        /// Moves past the next newline: JSON lines resynchronise there after a bad record.
        mutating func skipLine() {
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                column += 1
                if byte == 0x0A {
                    line += 1
                    column = 1
                    return
                }
            }
        }

        var atEnd: Bool { index >= bytes.count }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        /// Consumes `byte` (framing punctuation such as a packet list's `[`, `,` and `]`), or
        /// says what was expected and what came instead.
        mutating func expect(_ byte: UInt8, _ what: String) throws(SyntaxError) {
            guard current == byte else {
                throw error("expected \(what) " + (index < bytes.count ? "but found \(describeCurrent())" : "but the input ends"))
            }
            advance()
        }

        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }

        /// The current byte; at the end of input, an error naming what was left open.
        mutating func peek(_ container: String) throws(SyntaxError) -> UInt8 {
            guard index < bytes.count else { throw error("the input ends inside \(container)") }
            return bytes[index]
        }

        func error(_ message: String) -> SyntaxError { SyntaxError(position: position, message: message, byteOffset: index) }

        func describeCurrent() -> String {
            guard index < bytes.count else { return "the end of the input" }
            let byte = bytes[index]
            if byte >= 0x80 {
                if let length = try? validUTF8SequenceLength() {
                    return "\"\(text(index..<index + length))\""
                }
                return "byte 0x\(hex(byte, width: 2))"
            }
            return describe(byte)
        }

        func describe(_ byte: UInt8) -> String {
            (0x21..<0x7F).contains(byte) ? "\"\(Character(Unicode.Scalar(byte)))\"" : "byte 0x\(hex(byte, width: 2))"
        }

        func hex(_ value: some BinaryInteger, width: Int) -> String {
            let digits = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
    }
}
