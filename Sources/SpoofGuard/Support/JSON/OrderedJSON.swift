/// A JSON tree with object keys kept in the order they were written, so that rendered output
/// is byte-stable (Foundation's encoder does not promise a key order). For output that is
/// assembled from parts (nft JSON); output written in one pass goes straight to `JSONWriter`.
public indirect enum OrderedJSON: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case unsigned(UInt64)
    case string(String)
    case array([OrderedJSON])
    case object([(key: String, value: OrderedJSON)])

    public static func == (lhs: OrderedJSON, rhs: OrderedJSON) -> Bool { lhs.serialized == rhs.serialized }
    public func hash(into hasher: inout Hasher) { hasher.combine(serialized) }

    /// Compact JSON as `JSONWriter` writes it (`", "` and `": "` separators).
    public var serialized: String {
        var writer = JSONWriter()
        writer.write(self)
        return writer.text
    }
}

extension JSONWriter {
    /// Writes a tree built ahead (nft JSON commands, reports assembled from parts).
    public mutating func write(_ json: OrderedJSON) {
        switch json {
        case .null: null()
        case .bool(let value): bool(value)
        case .integer(let value): integer(value)
        case .unsigned(let value): integer(value)
        case .string(let value): string(value)
        case .array(let values):
            beginArray()
            for value in values { write(value) }
            endArray()
        case .object(let members):
            beginObject()
            for member in members {
                key(member.key)
                write(member.value)
            }
            endObject()
        }
    }
}

extension OrderedJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(arrayLiteral elements: OrderedJSON...) { self = .array(elements) }
}

extension OrderedJSON: ExpressibleByDictionaryLiteral {
    /// Dictionary literals keep their source order here: `["family": …, "name": …]`.
    public init(dictionaryLiteral elements: (String, OrderedJSON)...) {
        self = .object(elements.map { (key: $0.0, value: $0.1) })
    }
}
