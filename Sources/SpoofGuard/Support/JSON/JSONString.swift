/// The one JSON string escaper (RFC 8259 §7), for every JSON spoofguard writes and for the
/// JSON-style quoting in its messages and JSON paths.
public enum JSONString {
    public enum Style: Sendable {
        /// Machine output (`--json`, nft JSON): `\"`, `\\`, `\b \f \n \r \t`, other C0 controls
        /// as `\u00xx`; everything else as its UTF-8, as nft -j and every JSON reader expect.
        case output
        /// JSON paths (`$["odd key"]`): every control — C0, DEL and C1 — as `\u00xx`, so that
        /// a key cannot move a terminal's cursor or forge a line, and the path stays valid JSON.
        case path
        /// Policy text quoted in a message: the same controls as `\xNN`, the form the rest of
        /// every message uses for untrusted text (`terminalEscaped`).
        case message
    }

    /// Appends the escaped contents of `text` (without the surrounding quotes).
    public static func appendEscaped(_ text: String, style: Style = .output, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in appendEscaped(UnsafeRawBufferPointer(utf8), style: style, to: &out) }
    }

    /// Appends `"text"`, escaped.
    public static func appendQuoted(_ text: String, style: Style = .output, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        appendEscaped(text, style: style, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// `text`'s escaped contents as a String (without the quotes).
    public static func escaped(_ text: String, style: Style = .output) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 2)
        appendEscaped(text, style: style, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendEscaped(_ utf8: UnsafeRawBufferPointer, style: Style, to out: inout [UInt8]) {
        // Runs that need no escape (nearly all text) are copied in one piece.
        var runStart = 0
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            let length: Int
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0..<0x20: length = 1
            case 0x7F where style != .output: length = 1
            case 0xC2 where style != .output && index + 1 < utf8.count && (0x80...0x9F).contains(utf8[index + 1]): length = 2
            default:
                index += 1
                continue
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<index]))
            appendEscape(length == 2 ? UInt32(utf8[index + 1]) : UInt32(byte), style: style, to: &out)
            index += length
            runStart = index
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<utf8.count]))
    }

    private static func appendEscape(_ scalar: UInt32, style: Style, to out: inout [UInt8]) {
        let short: UInt8? = switch scalar {
        case 0x22: UInt8(ascii: "\"")
        case 0x5C: UInt8(ascii: "\\")
        case 0x08 where style == .output: UInt8(ascii: "b")
        case 0x0C where style == .output: UInt8(ascii: "f")
        case 0x0A where style == .output: UInt8(ascii: "n")
        case 0x0D where style == .output: UInt8(ascii: "r")
        case 0x09 where style == .output: UInt8(ascii: "t")
        default: nil
        }
        out.append(UInt8(ascii: "\\"))
        if let short {
            out.append(short)
            return
        }
        func hexDigit(_ nibble: UInt32) -> UInt8 {
            nibble < 10 ? UInt8(ascii: "0") + UInt8(nibble) : UInt8(ascii: "a") + UInt8(nibble - 10)
        }
        if style == .message {
            out.append(UInt8(ascii: "x"))
        } else {
            out.append(UInt8(ascii: "u"))
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "0"))
        }
        out.append(hexDigit(scalar >> 4 & 0xF))
        out.append(hexDigit(scalar & 0xF))
    }
}
