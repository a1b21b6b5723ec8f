import Foundation
import Testing
@testable import SpoofGuard

@Suite("StrictJSON: a strict RFC 8259 reader with positions")
struct StrictJSONTests {
    func parse(_ text: String, limits: StrictJSON.Limits = .init()) throws(StrictJSON.SyntaxError) -> StrictJSON.Value {
        try StrictJSON.parse(Array(text.utf8), limits: limits)
    }

    func syntaxError(_ text: String, limits: StrictJSON.Limits = .init()) -> StrictJSON.SyntaxError? {
        do {
            _ = try parse(text, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    @Test func valuesAndPositions() throws {
        let value = try parse("{\n  \"a\": [1, -2.5e3, true, false, null],\n  \"b\": \"x\"\n}")
        guard case .object(let members) = value.kind else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["a", "b"])
        #expect(members[0].keyPosition == .init(line: 2, column: 3))
        #expect(members[1].value.position == .init(line: 3, column: 8))
        guard case .array(let elements) = members[0].value.kind else { Issue.record("not an array"); return }
        #expect(elements.map(\.kind) == [.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null])
        #expect(elements.map(\.position.column) == [9, 12, 20, 26, 33])
    }

    @Test func duplicateKeysAreKeptInOrder() throws {
        let value = try parse(#"{"k": 1, "k": 2}"#)
        guard case .object(let members) = value.kind else { Issue.record("not an object"); return }
        #expect(members.map(\.value.kind) == [.number("1"), .number("2")])
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let value = try parse(#"["é😀", 1]"#)
        guard case .array(let elements) = value.kind else { Issue.record("not an array"); return }
        #expect(elements[1].position.column == 8)
    }

    @Test func escapes() throws {
        let value = try parse(#""\"\\\/\b\f\n\r\t\u0041\u00e9\ud83d\ude00""#)
        #expect(value.kind == .string("\"\\/\u{8}\u{c}\n\r\tAé😀"))
    }

    @Test(arguments: [
        ("", "1:1: the document is empty; a policy is a JSON object such as {\"version\": 1}"),
        ("{\"a\": 1,}", "1:9: trailing comma before \"}\"; JSON does not allow one"),
        ("[1,]", "1:4: trailing comma before \"]\"; JSON does not allow one"),
        ("{\"a\" 1}", "1:6: expected \":\" after the key \"a\", found \"1\""),
        ("{\"a\": 1 \"b\": 2}", "1:9: expected \",\" or \"}\" after the value of \"a\", found \"\"\""),
        ("{a: 1}", "1:2: expected a key in double quotes, found \"a\""),
        ("['a']", "1:2: JSON strings are written in double quotes (\"), not single quotes"),
        ("// c\n{}", "1:1: JSON does not allow comments"),
        ("{} {}", "1:4: unexpected \"{\" after the end of the JSON value"),
        ("[True]", "1:2: \"True\" is not a JSON value; JSON knows only true, false and null as bare words (write true)"),
        ("[01]", "1:3: a JSON number cannot have a leading zero"),
        ("[+1]", "1:2: a JSON number starts with a digit or \"-\" (write 1 or 0.5, not +1 or .5)"),
        ("[1.]", "1:4: expected a digit after the decimal point"),
        ("[1e]", "1:4: expected a digit in the exponent"),
        ("[NaN]", "1:2: \"NaN\" is not a JSON value; JSON knows only true, false and null as bare words (strings need double quotes)"),
        ("\"abc", "1:1: this string is never closed with a double quote"),
        ("\"a\nb\"", "1:3: a control character (0x0A) cannot appear raw inside a string; a string cannot span lines (write \\n)"),
        ("\"\\x\"", "1:3: \\\"x\" is not a JSON escape; use \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX"),
        ("\"\\u12\"", "1:6: \\u must be followed by four hexadecimal digits"),
        ("\"\\ud800\"", "1:2: \\uD800 is half of a UTF-16 surrogate pair and is not followed by its low half"),
        ("\"\\udc00\"", "1:2: \\uDC00 is a lone low surrogate, not a character"),
        ("{\"a\": [1, 2", "1:12: the input ends inside the list"),
        ("{\"a\": ", "1:7: the input ends inside the object"),
    ] as [(String, String)])
    func syntaxErrors(text: String, expected: String) {
        #expect(syntaxError(text)?.description == expected)
    }

    @Test func invalidUTF8IsRefused() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC0, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22]] {
            #expect(throws: StrictJSON.SyntaxError.self) { try StrictJSON.parse(bytes) }
        }
        #expect((try? StrictJSON.parse([0x22, 0xE2, 0x82, 0xAC, 0x22]))?.kind == .string("€"))
        let utf16: [UInt8] = [0xFF, 0xFE] + Array(#"{"version": 1}"#.utf8).flatMap { [$0, 0] }
        #expect(throws: StrictJSON.SyntaxError(position: .init(line: 1, column: 1), message: "the input is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8")) {
            try StrictJSON.parse(utf16)
        }
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(syntaxError(deep)?.message == "nesting is deeper than 64 levels, far deeper than any policy needs")
        #expect(syntaxError(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)) == nil)
    }

    /// Packet lists ask the reader to refuse a duplicate key; the error points at the second
    /// key (line, column and byte offset). Policies keep both for the decoder to name by path.
    @Test func duplicateKeysRefusedOnRequest() throws {
        let text = "{\"a\": 1,\n \"a\": 2}"
        let error = syntaxError(text, limits: .init(refusesDuplicateKeys: true))
        #expect(error?.message == "key \"a\" appears twice in one object; keep one")
        #expect(error?.position == .init(line: 2, column: 2))
        #expect(error?.byteOffset == 10)
        guard case .object(let members) = try parse(text).kind else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["a", "a"])
    }

    /// One value at a time, as the JSON-lines packet reader uses it.
    @Test func valuesOneAtATime() throws {
        let bytes = Array("{\"a\": 1}\n[2]\n// no".utf8)
        try bytes.withUnsafeBytes { buffer in
            var reader = StrictJSON.Reader(bytes: buffer)
            #expect(try reader.readValue().position == .init(line: 1, column: 1))
            let second = try reader.readValue()
            #expect(second.position == .init(line: 2, column: 1))
            #expect(second.kind == .array([StrictJSON.Value(.number("2"), at: .init(line: 2, column: 2))]))
            #expect(throws: StrictJSON.SyntaxError(position: .init(line: 3, column: 1), message: "JSON does not allow comments",
                                                   byteOffset: 13)) { try reader.readValue() }
        }
    }

    @Test func valueCountIsBounded() {
        let many = "[" + Array(repeating: "0", count: 1001).joined(separator: ",") + "]"
        #expect(syntaxError(many, limits: .init(maximumValues: 1000))?.message.hasPrefix("the document holds more than 1000 values") == true)
        #expect(syntaxError(many, limits: .init(maximumValues: 1002)) == nil)
    }

    /// Agreement with Foundation on documents it reads unambiguously (no duplicate keys).
    @Test(arguments: [
        #"{"a": [1, 2, {"b": null}], "c": "d\u00e9\n", "e": -0.5e-3, "f": true}"#,
        #"[[], {}, "", 0, -1, 1E+2, "\ud834\udd1e"]"#,
        "  \t\r\n {\"x\" :\n[ \"y\" ] }  ",
    ])
    func agreesWithFoundation(text: String) throws {
        let ours = try parse(text)
        let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        #expect(plain(ours) == plain(theirs))
    }

    /// A canonical rendering of either parser's tree, to compare them.
    private func plain(_ value: StrictJSON.Value) -> String {
        switch value.kind {
        case .null: "null"
        // Foundation on Linux hands booleans back as NSNumber 1/0; compare them as numbers.
        case .bool(let flag): flag ? "1.0" : "0.0"
        case .number(let text): "\(Double(text)!)"
        case .string(let text): "s:" + text
        case .array(let elements): "[" + elements.map(plain).joined(separator: ",") + "]"
        case .object(let members): "{" + members.sorted { $0.key < $1.key }.map { "\($0.key)=\(plain($0.value))" }.joined(separator: ",") + "}"
        }
    }

    private func plain(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let number as NSNumber: return "\(number.doubleValue)"
        case let text as String: return "s:" + text
        case let array as [Any]: return "[" + array.map(plain).joined(separator: ",") + "]"
        case let object as [String: Any]: return "{" + object.sorted { $0.key < $1.key }.map { "\($0.key)=\(plain($0.value))" }.joined(separator: ",") + "}"
        default: return "?"
        }
    }
}
