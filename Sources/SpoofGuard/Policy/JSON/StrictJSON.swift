/// A small, strict JSON reader (RFC 8259) for policies and catalogs.
///
/// Why not Foundation's `JSONSerialization`: it silently keeps one of two duplicate keys, and
/// a policy where `"action"` appears twice must not be read as whichever came last. This reader
/// keeps every object member in order, with the position it was written at, so the policy
/// decoder can refuse duplicates and point at each problem by line and column.
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

    /// A syntax error, with the position of the offending character.
    public struct SyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
        public var position: Position
        public var message: String
        public var description: String { "\(position): \(message)" }
    }

    /// Limits that keep a hostile input from exhausting the stack or memory.
    public struct Limits: Hashable, Sendable {
        /// Nesting of arrays and objects; the parser recurses once per level.
        public var maximumDepth: Int
        /// Values of any kind in the whole document.
        public var maximumValues: Int
        public init(maximumDepth: Int = 64, maximumValues: Int = 1_000_000) {
            self.maximumDepth = maximumDepth
            self.maximumValues = maximumValues
        }
    }

    /// Parses one JSON document. A UTF-8 byte order mark at the start is skipped (RFC 8259 §8.1
    /// allows ignoring it; Windows editors write one); anything after the value is an error.
    public static func parse(_ bytes: [UInt8], limits: Limits = Limits()) throws(SyntaxError) -> Value {
        var parser = Parser(bytes: bytes, limits: limits)
        return try parser.parseDocument()
    }
}
