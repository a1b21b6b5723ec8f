/// The one JSON writer behind every `--json` output and nft JSON: compact, with `", "` and
/// `": "` separators (as nft -j reads and people skim), members in the order written, strings
/// escaped by `JSONString`. It writes bytes as it goes — no tree, no String per value — and
/// `take()` hands over what is written so far, so a long output streams in pieces.
///
/// Only whether a separator is due is tracked, not the nesting: callers close what they open
/// (the tests hold every output to a JSON parser).
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var separatorDue = false

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// The bytes written since the last `take()`; the writer goes on where it was.
    public mutating func take() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    /// What is written, as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    // MARK: Containers

    public mutating func beginObject() {
        startValue()
        bytes.append(UInt8(ascii: "{"))
        separatorDue = false
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        separatorDue = true
    }

    public mutating func beginArray() {
        startValue()
        bytes.append(UInt8(ascii: "["))
        separatorDue = false
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        separatorDue = true
    }

    /// An object member's key; its value follows.
    public mutating func key(_ name: String) {
        startValue()
        JSONString.appendQuoted(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: " "))
        separatorDue = false
    }

    // MARK: Scalars

    public mutating func string(_ value: String) {
        startValue()
        JSONString.appendQuoted(value, to: &bytes)
        separatorDue = true
    }

    public mutating func integer(_ value: some BinaryInteger) {
        raw(String(value))
    }

    public mutating func bool(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    public mutating func null() {
        raw("null")
    }

    /// A value already written as JSON (a rendered fragment that many outputs share).
    public mutating func raw(_ json: String) {
        startValue()
        bytes.append(contentsOf: json.utf8)
        separatorDue = true
    }

    // MARK: Members, for the common cases

    public mutating func member(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    public mutating func member(_ name: String, _ value: String?) {
        key(name)
        if let value { string(value) } else { null() }
    }

    public mutating func member(_ name: String, _ value: some BinaryInteger) {
        key(name)
        integer(value)
    }

    public mutating func member(_ name: String, _ value: (some BinaryInteger)?) {
        key(name)
        if let value { integer(value) } else { null() }
    }

    public mutating func member(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    public mutating func member(_ name: String, strings values: [String]) {
        key(name)
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    /// An object member holding an array of objects, one per element, whose members `body` writes.
    public mutating func member<Element>(_ name: String, objects elements: some Sequence<Element>,
                                         _ body: (inout JSONWriter, Element) -> Void) {
        key(name)
        beginArray()
        for element in elements {
            beginObject()
            body(&self, element)
            endObject()
        }
        endArray()
    }

    /// An object member whose value `body` writes.
    public mutating func member(_ name: String, _ body: (inout JSONWriter) -> Void) {
        key(name)
        body(&self)
    }

    /// An object whose members `body` writes.
    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        beginObject()
        body(&self)
        endObject()
    }

    /// An array whose elements `body` writes.
    public mutating func array(_ body: (inout JSONWriter) -> Void) {
        beginArray()
        body(&self)
        endArray()
    }

    private mutating func startValue() {
        if separatorDue {
            bytes.append(UInt8(ascii: ","))
            bytes.append(UInt8(ascii: " "))
        }
    }
}
