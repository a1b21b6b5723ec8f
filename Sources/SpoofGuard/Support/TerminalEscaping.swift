/// Untrusted text (policy strings, interface names from packets or the kernel, file names) as
/// it may be printed: every control character — C0, DEL and C1, which include NUL, ESC, CSI and
/// the line breaks — becomes `\xNN`, so that no input can forge an output line, move the
/// cursor or recolour the terminal. The one escaping every text output uses; JSON output is
/// escaped by its encoder instead (RFC 8259).
extension StringProtocol {
    public var terminalEscaped: String {
        // Fast path: no byte below 0x20 and none from 0x7F up (DEL, C1 and all non-ASCII) means
        // nothing to escape; a million dry-run lines go through here.
        guard utf8.contains(where: { $0 < 0x20 || $0 >= 0x7F }),
              unicodeScalars.contains(where: \.needsTerminalEscape) else { return String(self) }
        var escaped = ""
        for scalar in unicodeScalars {
            if scalar.needsTerminalEscape {
                escaped += scalar.terminalEscape
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Each line escaped, the line breaks between them kept: for multi-line reports whose
    /// lines the program made and whose untrusted parts cannot hold a line break.
    public var terminalEscapedLines: String {
        split(separator: "\n", omittingEmptySubsequences: false).map(\.terminalEscaped).joined(separator: "\n")
    }
}

extension Unicode.Scalar {
    /// C0 controls, DEL and C1 controls (U+0080–U+009F, which some terminals obey as ESC sequences).
    public var needsTerminalEscape: Bool { value < 0x20 || (0x7F...0x9F).contains(value) }

    /// `\xNN` for a control character (its code point, two hex digits).
    public var terminalEscape: String {
        let hex = String(value, radix: 16)
        return "\\x" + (hex.count < 2 ? "0" : "") + hex
    }
}
