/// A JSONPath such as `$.guard.source[2]`, the address every policy problem is reported at.
struct JSONPath: Hashable, Sendable, CustomStringConvertible {
    let description: String

    static let root = JSONPath(description: "$")

    /// `.name` for identifier-like keys, `["odd key"]` otherwise (so any key can be shown).
    func key(_ name: String) -> JSONPath {
        let isIdentifier = !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "_" || scalar == "-"
        } && !("0"..."9").contains(name.unicodeScalars.first!)
        // Long keys are shortened: the path names a place, it need not reproduce the key.
        let maximumLength = 80
        if isIdentifier && name.unicodeScalars.count <= maximumLength {
            return JSONPath(description: description + "." + name)
        }
        let scalars = name.unicodeScalars
        var escaped = JSONString.escaped(String(String.UnicodeScalarView(scalars.prefix(maximumLength))), style: .path)
        if scalars.count > maximumLength { escaped += "…" }
        return JSONPath(description: description + "[\"" + escaped + "\"]")
    }

    /// Written byte by byte into one allocation: a 100 k-element list asks for a path per
    /// element, and interpolation cost several times the allocation itself.
    func index(_ index: Int) -> JSONPath {
        precondition(index >= 0, "a list index is never negative")
        var digitCount = 1
        var rest = index / 10
        while rest > 0 {
            digitCount += 1
            rest /= 10
        }
        let base = description.utf8
        let total = base.count + digitCount + 2
        let text = String(unsafeUninitializedCapacity: total) { buffer in
            var at = buffer.initialize(fromContentsOf: base)
            buffer[at] = UInt8(ascii: "[")
            at += digitCount
            var value = index
            for position in stride(from: at, to: at - digitCount, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
            buffer[at + 1] = UInt8(ascii: "]")
            return total
        }
        return JSONPath(description: text)
    }
}
