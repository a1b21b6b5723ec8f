/// Set elements as nft lists them: sorted by key, wrapped the way nft's `set_expr_print`
/// wraps a named set (two IPv4 addresses per line, one IPv6 address or name per line).
enum NftSetText {
    /// The continuation between two elements on different lines.
    static let newline = ",\n\t\t\t     "

    static func elementTexts(_ elements: SetElements, flags: SetFlags) -> [String] {
        switch elements {
        case .ipv4(let set): set.ranges.map(IPv4Set.describe)
        case .ipv6(let set): set.ranges.map(IPv6Set.describe)
        case .interfaces(let patterns):
            sortedInterfaces(patterns, interval: flags.contains(.interval)).map { NftSyntax.quoted($0.description) }
        }
    }

    /// `{ a, b,\n\t\t\t     c }`, or nil for an empty set (nft then prints no `elements` line).
    static func elementsBlock(_ elements: SetElements, flags: SetFlags) -> String? {
        let texts = elementTexts(elements, flags: flags)
        guard !texts.isEmpty else { return nil }
        let perLine = elements.key == .ipv4Address ? 2 : 1
        var text = "{ "
        for (index, element) in texts.enumerated() {
            if index > 0 { text += index % perLine == 0 ? newline : ", " }
            text += element
        }
        return text + " }"
    }

    /// A `typeof` set over a raw load holds nft integers: it lists them as hex (`0x1`,
    /// `0x7f000000-0x7fffffff`), ranges never folded into prefixes, five to a line.
    static func integerElementsBlock(_ elements: SetElements) -> String? {
        func hex<T: FixedWidthInteger>(_ value: T) -> String {
            NftSyntax.hex(withUnsafeBytes(of: value.bigEndian) { Array($0) })
        }
        func text<T: FixedWidthInteger>(_ range: ClosedRange<T>) -> String {
            range.lowerBound == range.upperBound ? hex(range.lowerBound) : hex(range.lowerBound) + "-" + hex(range.upperBound)
        }
        let texts: [String] = switch elements {
        case .ipv4(let set): set.ranges.map(text)
        case .ipv6(let set): set.ranges.map(text)
        case .interfaces: []
        }
        guard !texts.isEmpty else { return nil }
        var text = "{ "
        for (index, element) in texts.enumerated() {
            if index > 0 { text += index % 5 == 0 ? newline : ", " }
            text += element
        }
        return text + " }"
    }

    /// The kernel keeps an interval set's keys big-endian and nft lists them in `memcmp` order.
    /// A hash set of names is listed in order of the key read as a little-endian integer
    /// (nft stores strings host-endian): shorter names first, then by their last byte.
    static func sortedInterfaces(_ patterns: [InterfacePattern], interval: Bool) -> [InterfacePattern] {
        if interval {
            return patterns.sorted { Array($0.stem.utf8).lexicographicallyPrecedes(Array($1.stem.utf8)) }
        }
        return patterns.sorted { a, b in
            let x = Array(a.stem.utf8), y = Array(b.stem.utf8)
            if x.count != y.count { return x.count < y.count }
            return x.reversed().lexicographicallyPrecedes(y.reversed())
        }
    }
}
