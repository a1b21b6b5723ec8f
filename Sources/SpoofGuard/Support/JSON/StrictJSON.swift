/// spoofguard's one strict JSON reader (RFC 8259), for policies, catalogs and packet lists.
///
/// Why not Foundation's `JSONSerialization`: it silently keeps one of two duplicate keys, and
/// a policy where `"action"` appears twice must not be read as whichever came last. This reader
/// keeps every object member in order, with the position it was written at, numbers as their
/// text, and bounds nesting and size. Duplicate keys are refused by the reader (packet lists)
/// or kept for the caller to refuse with a JSON path (the policy decoder reports every one).
public enum StrictJSON {
    /// Where a value starts in the text: 1-based line and column (columns count Unicode
    /// scalars, as editors do).
    public struct Position: Hashable, Sendable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
        public var description: String { "\(line):\(column)" }
    }

    /// One object member; the key keeps its own position for "unknown key" messages.
    public struct Member: Hashable, Sendable {
        public var key: String
        public var keyPosition: Position
        public var value: Value
    }

    /// Not `indirect`: arrays already hold their elements out of line, and a box per string
    /// was a heap allocation per element of a 100 k-prefix list.
    public enum Kind: Hashable, Sendable {
        case null
        case bool(Bool)
        /// The number exactly as written (already checked against the JSON grammar), so that
        /// `1`, `1.0` and `1e0` stay distinguishable: a policy wants integers written as such.
        case number(String)
        case string(String)
        case array([Value])
        /// Members in document order, duplicates included.
        case object([Member])
    }

    public struct Value: Hashable, Sendable {
        public var kind: Kind
        public var position: Position

        public init(_ kind: Kind, at position: Position) {
            self.kind = kind
            self.position = position
        }

        /// What a user would call this value's type, for "must be X, not Y" messages.
        public var typeName: String {
            switch kind {
            case .null: "null"
            case .bool: "a boolean"
            case .number: "a number"
            case .string: "a string"
            case .array: "a list"
            case .object: "an object"
            }
        }
    }

    /// A syntax error, with the position of the offending character (line and column for
    /// people, the byte offset for packet-list records).
    public struct SyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
        public var position: Position
        public var message: String
        public var byteOffset: Int
        public init(position: Position, message: String, byteOffset: Int = 0) {
            self.position = position
            self.message = message
            self.byteOffset = byteOffset
        }
        public var description: String { "\(position): \(message)" }
    }

    /// Limits that keep a hostile input from exhausting the stack or memory.
    public struct Limits: Hashable, Sendable {
        /// Nesting of arrays and objects; the parser recurses once per level.
        public var maximumDepth: Int
        /// Values of any kind in the whole document.
        public var maximumValues: Int
        /// Refuse a key given twice in one object as a syntax error. Off for policies, whose
        /// decoder reports every duplicate with its JSON path and both positions.
        public var refusesDuplicateKeys: Bool
        public init(maximumDepth: Int = 64, maximumValues: Int = 1_000_000, refusesDuplicateKeys: Bool = false) {
            self.maximumDepth = maximumDepth
            self.maximumValues = maximumValues
            self.refusesDuplicateKeys = refusesDuplicateKeys
        }
    }

    /// Parses one JSON document. A UTF-8 byte order mark at the start is skipped (RFC 8259 §8.1
    /// allows ignoring it; Windows editors write one); anything after the value is an error.
    public static func parse(_ bytes: [UInt8], limits: Limits = Limits()) throws(SyntaxError) -> Value {
        let result = bytes.withUnsafeBytes { buffer in
            var reader = Reader(bytes: buffer, limits: limits)
            return Result { () throws(SyntaxError) in try reader.parseDocument() }
        }
        return try result.get()
    }
}
