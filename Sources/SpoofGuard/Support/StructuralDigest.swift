/// SHA-256 of a value's structure, walked by reflection: every stored property and enum payload
/// with its label, every collection with its count, each leaf (string, integer, raw value,
/// payload-less case) with its type. Two values that differ in any stored field hash apart
/// (strings and counts are length-prefixed, so no two structures share one stream).
///
/// Only stable within one build of spoofguard (type names and field order are the build's),
/// which is all the element record's policy proof asks: it is keyed by the build-id too.
/// Values holding `Set` or `Dictionary` would hash in the process's random order; the
/// nftables IR it is used on keeps arrays only.
public enum StructuralDigest {
    public static func of(_ value: Any) -> [UInt8] {
        var hasher = SHA256()
        add(value, to: &hasher)
        return hasher.finalize()
    }

    private static func add(_ value: Any, to hasher: inout SHA256) {
        let mirror = Mirror(reflecting: value)
        add(typeName(mirror.subjectType), to: &hasher)
        if let text = value as? String {
            add(text, to: &hasher)
            return
        }
        if mirror.children.isEmpty, mirror.displayStyle != .collection, mirror.displayStyle != .optional {
            // A leaf: an integer, a raw-valued case (by its raw value, whatever its description
            // says), or a payload-less case. Integers and Bool first, by their concrete types: a cast to
            // a protocol scans the binary's conformance tables once per type, the walk's cost.
            if let text = scalarText(value) {
                add(text, to: &hasher)
            } else if let raw = value as? any RawRepresentable {
                add(raw.rawValue, to: &hasher)
            } else {
                add(String(reflecting: value), to: &hasher)
            }
            return
        }
        // An enum case with a payload: its name is the child's label.
        add(String(mirror.children.count), to: &hasher)
        for child in mirror.children {
            add(child.label ?? "", to: &hasher)
            add(child.value, to: &hasher)
        }
    }

    private static func scalarText(_ value: Any) -> String? {
        switch value {
        case let value as UInt8: String(value)
        case let value as UInt16: String(value)
        case let value as UInt32: String(value)
        case let value as UInt64: String(value)
        case let value as Int: String(value)
        case let value as Int32: String(value)
        case let value as Int64: String(value)
        case let value as Bool: String(value)
        default: nil
        }
    }

    /// A private type's name holds its context's address, `(unknown context at $5633…)`, which
    /// moves with every run (ASLR): left out, so that the name is the same in every process.
    static func typeName(_ type: Any.Type) -> String {
        // `_typeName`, not `String(reflecting:)`, which asks the metatype for four protocols.
        let name = _typeName(type, qualified: true)
        guard name.utf8.contains(UInt8(ascii: "$")) else { return name }
        var result = "", rest = Substring(name)
        while let start = rest.firstRange(of: "(unknown context at $") {
            result += rest[..<start.lowerBound]
            rest = rest[start.upperBound...].drop { $0 != ")" }.dropFirst()
        }
        return result + rest
    }

    private static func add(_ text: String, to hasher: inout SHA256) {
        withUnsafeBytes(of: UInt64(text.utf8.count).littleEndian) { hasher.update(buffer: $0) }
        hasher.update(text.utf8)
    }
}
