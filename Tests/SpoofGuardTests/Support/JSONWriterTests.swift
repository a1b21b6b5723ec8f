import Testing
@testable import SpoofGuard

/// The one JSON writer and string escaper: what every `--json` output and nft JSON are made of.
@Suite struct JSONWriterTests {
    @Test func outputEscapingIsRFC8259() {
        #expect(JSONString.escaped("a\"b\\c/d") == #"a\"b\\c/d"#)
        #expect(JSONString.escaped("\u{08}\u{0C}\n\r\t") == #"\b\f\n\r\t"#)
        #expect(JSONString.escaped("\u{00}\u{1B}\u{1F}") == #"\u0000\u001b\u001f"#)
        // DEL, C1 controls and everything else are kept as UTF-8 (nft -j writes them so).
        #expect(JSONString.escaped("\u{7F}\u{85}é€😀") == "\u{7F}\u{85}é€😀")
    }

    @Test func pathAndMessageEscapingLeaveNoControlForATerminal() {
        #expect(JSONString.escaped("tab\tnl\n", style: .path) == #"tab\u0009nl\u000a"#)
        #expect(JSONString.escaped("\u{7F}\u{85}\u{9F}\u{A0}é", style: .path) == "\\u007f\\u0085\\u009f\u{A0}é")
        #expect(JSONString.escaped("\"\\", style: .path) == #"\"\\"#)
        #expect(JSONString.escaped("a\u{0}b\u{1B}[2J\u{85}", style: .message) == #"a\x00b\x1b[2J\x85"#)
        // The same as the rest of a message escapes untrusted text.
        let text = "x\u{7}\u{7F}\u{9B}y"
        #expect(JSONString.escaped(text, style: .message) == text.terminalEscaped)
    }

    @Test func separatorsFollowTheNesting() {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("a", 1)
            writer.member("b", strings: ["x", "y"])
            writer.member("c") { writer in
                writer.object { writer in
                    writer.member("d", true)
                    writer.member("e", nil as String?)
                }
            }
            writer.member("f") { writer in
                writer.array { writer in
                    writer.array { _ in }
                    writer.object { _ in }
                    writer.integer(UInt64.max)
                }
            }
        }
        #expect(writer.text == #"{"a": 1, "b": ["x", "y"], "c": {"d": true, "e": null}, "f": [[], {}, 18446744073709551615]}"#)
        let taken = writer.take()
        #expect(taken.count > 0 && writer.bytes.isEmpty)
    }

    /// Every string the writer writes, the strict reader reads back unchanged.
    @Test func stringsRoundTripThroughTheReader() throws {
        var scalars = (0..<0x250).compactMap(Unicode.Scalar.init)
        scalars += ["\u{2028}", "\u{FEFF}", "\u{FFFF}", "\u{10FFFF}", "😀"]
        let text = String(String.UnicodeScalarView(scalars))
        for value in [text, "", "\"", "\\", String(repeating: "\\\"", count: 100)] {
            var writer = JSONWriter()
            writer.object { $0.member(value, value) }
            let parsed = try StrictJSON.parse(writer.bytes)
            guard case .object(let members) = parsed.kind, let member = members.first else {
                Issue.record("not an object: \(writer.text)")
                continue
            }
            #expect(member.key == value)
            #expect(member.value.kind == .string(value))
        }
    }

    @Test func orderedJSONIsWrittenByTheWriter() {
        let tree: OrderedJSON = ["family": "inet", "n": .unsigned(7), "list": [.null, .bool(false), .integer(-3)],
                                 "nested": .object([])]
        #expect(tree.serialized == #"{"family": "inet", "n": 7, "list": [null, false, -3], "nested": {}}"#)
    }
}
