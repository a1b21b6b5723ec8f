/// Names as one token of a file name or a space-separated line, one to one: letters, digits,
/// `-` and `_` stay, every other byte is `%XX` (so no space, slash or newline survives).
public enum PercentEncoding {
    public static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            if isKept(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }

    /// The text `encode` made, or nil for anything `encode` cannot have made (a kept byte
    /// escaped, lower-case hex, a stray `%`, invalid UTF-8): one spelling per name.
    public static func decode(_ token: Substring) -> String? {
        var bytes: [UInt8] = []
        var rest = token.utf8[...]
        while let byte = rest.first {
            rest = rest.dropFirst()
            if isKept(byte) {
                bytes.append(byte)
                continue
            }
            guard byte == UInt8(ascii: "%"), rest.count >= 2,
                  let high = upperHex(rest[rest.startIndex]), let low = upperHex(rest[rest.index(after: rest.startIndex)]) else { return nil }
            let decoded = high << 4 | low
            guard !isKept(decoded) else { return nil }
            bytes.append(decoded)
            rest = rest.dropFirst(2)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func isKept(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"): true
        default: false
        }
    }

    static func upperHex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
