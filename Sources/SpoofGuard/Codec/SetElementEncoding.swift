/// One element of an interval set as the kernel stores it: a key, and whether it marks the
/// end (exclusive) of a range rather than its start.
public struct KernelSetElement: Hashable, Sendable, CustomStringConvertible {
    public var key: [UInt8]
    public var isIntervalEnd: Bool

    public init(key: [UInt8], isIntervalEnd: Bool = false) {
        self.key = key
        self.isIntervalEnd = isIntervalEnd
    }

    public var description: String {
        key.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() + (isIntervalEnd ? " [end]" : "")
    }
}

/// Interval-set elements in nft's encoding: each range is a start element plus an END element
/// holding the first key after it (none when the range reaches the top), ascending, preceded
/// by an all-zero END element unless a range starts at zero. Interface names are ranges too:
/// `eth0` is [eth0, eth0 + 1) over 16 bytes, `ppp*` is [ppp, ppq).
/// A set without the interval flag holds plain keys.
public enum SetElementEncoding {
    public static func encode(_ elements: SetElements, interval: Bool = true) throws(LinearizeError) -> [KernelSetElement] {
        try packed(elements, interval: interval).elements
    }

    /// The same elements, packed: what `apply` digests and sends.
    public static func packed(_ elements: SetElements, interval: Bool = true) throws(LinearizeError) -> PackedSetElements {
        guard interval else { return try plainKeys(elements) }
        switch elements {
        case .ipv4(let set): return addressIntervals(set)
        case .ipv6(let set): return addressIntervals(set)
        case .interfaces(let patterns):
            let ranges = patterns.map(interfaceRange).sorted { $0.start.lexicographicallyPrecedes($1.start) }
            return intervals(ranges, count: ranges.count, keyLength: 16, startsAtZero: ranges.first?.start.allSatisfy { $0 == 0 } ?? true,
                             zero: [UInt8](repeating: 0, count: 16)) { $0.append($1, isIntervalEnd: $2) }
        }
    }

    /// Address keys are the addresses' bits in network byte order.
    static func addressIntervals<Address: IPAddressProtocol>(_ set: IntervalSet<Address>) -> PackedSetElements {
        let ranges = set.ranges.lazy.map { range in
            (start: range.lowerBound, end: range.upperBound == .max ? nil : range.upperBound + 1)
        }
        return intervals(ranges, count: set.ranges.count, keyLength: MemoryLayout<Address.Bits>.size,
                         startsAtZero: set.ranges.first?.lowerBound == 0, zero: 0) { $0.append(bigEndian: $1, isIntervalEnd: $2) }
    }

    /// nft's interval encoding of ascending ranges, each given by its first key and the first
    /// key after it (nil when it reaches the top).
    private static func intervals<Key>(_ ranges: some Sequence<(start: Key, end: Key?)>, count: Int, keyLength: Int,
                                       startsAtZero: Bool, zero: Key,
                                       append: (inout PackedSetElements, Key, Bool) -> Void) -> PackedSetElements {
        var output = PackedSetElements(keyLength: keyLength, capacity: count * 2 + 1)
        guard count > 0 else { return output }
        if !startsAtZero { append(&output, zero, true) }
        for range in ranges {
            append(&output, range.start, false)
            if let end = range.end { append(&output, end, true) }
        }
        return output
    }

    /// Keys of a set without the interval flag: single addresses and exact interface names.
    static func plainKeys(_ elements: SetElements) throws(LinearizeError) -> PackedSetElements {
        func single<Address: IPAddressProtocol>(_ set: IntervalSet<Address>) throws(LinearizeError) -> PackedSetElements {
            var keys = PackedSetElements(keyLength: MemoryLayout<Address.Bits>.size, capacity: set.ranges.count)
            for range in set.ranges {
                guard range.lowerBound == range.upperBound else {
                    throw LinearizeError("\(IntervalSet<Address>.describe(range)) needs a set with the interval flag")
                }
                keys.append(bigEndian: range.lowerBound, isIntervalEnd: false)
            }
            return keys
        }
        switch elements {
        case .ipv4(let set): return try single(set)
        case .ipv6(let set): return try single(set)
        case .interfaces(let patterns):
            var keys = PackedSetElements(keyLength: 16, capacity: patterns.count)
            for pattern in patterns.sorted() {
                guard !pattern.isWildcard else { throw LinearizeError("\"\(pattern)\" needs a set with the interval flag") }
                keys.append(interfaceRange(pattern).start, isIntervalEnd: false)
            }
            return keys
        }
    }

    /// Rebuilds the set from elements in any order (dumps come descending).
    public static func decode(_ elements: [KernelSetElement], key: SetKey, interval: Bool = true) throws(DelinearizeError) -> SetElements {
        let length = Int(key.length)
        if let bad = elements.first(where: { $0.key.count != length }) {
            throw DelinearizeError(expression: nil, reason: "set element \(bad) is not \(length) bytes long as a \(key.rawValue) key")
        }
        if !interval {
            // A plain key k is the range [k, k + 1): an address, or an exact interface name.
            let ranges = elements.flatMap { element in
                [KernelSetElement(key: element.key)]
                    + (increment(element.key).map { [KernelSetElement(key: $0, isIntervalEnd: true)] } ?? [])
            }
            return try decode(ranges, key: key, interval: true)
        }
        let sorted = elements.sorted { a, b in
            a.key == b.key ? (a.isIntervalEnd && !b.isIntervalEnd) : a.key.lexicographicallyPrecedes(b.key)
        }
        var ranges: [(start: [UInt8], end: [UInt8]?)] = []
        var open: [UInt8]?
        for element in sorted {
            if element.isIntervalEnd {
                if let start = open { ranges.append((start, element.key)) }
                open = nil   // an END with nothing open is nft's leading zero element
            } else {
                if let start = open {
                    throw DelinearizeError(expression: nil, reason: "set has two range starts \(KernelSetElement(key: start)) and \(element) without an end between them")
                }
                open = element.key
            }
        }
        if let start = open { ranges.append((start, nil)) }

        switch key {
        case .ipv4Address:
            return .ipv4(IPv4Set(ranges: ranges.map { range in
                IPv4Address(bytes: range.start)!.bits...(range.end.map { IPv4Address(bytes: $0)!.bits - 1 } ?? .max)
            }))
        case .ipv6Address:
            return .ipv6(IPv6Set(ranges: ranges.map { range in
                IPv6Address(bytes: range.start)!.bits...(range.end.map { IPv6Address(bytes: $0)!.bits - 1 } ?? .max)
            }))
        case .interfaceName:
            var patterns: [InterfacePattern] = []
            for range in ranges { patterns.append(try interfacePattern(range)) }
            return .interfaces(patterns.sorted())
        }
    }

    static func interfaceRange(_ pattern: InterfacePattern) -> (start: [UInt8], end: [UInt8]?) {
        let stem = Array(pattern.stem.utf8)
        let padding = { (bytes: [UInt8]) in bytes + [UInt8](repeating: 0, count: 16 - bytes.count) }
        if pattern.isWildcard {
            return (padding(stem), increment(stem).map(padding))
        }
        return (padding(stem), increment(padding(stem)))
    }

    static func interfacePattern(_ range: (start: [UInt8], end: [UInt8]?)) throws(DelinearizeError) -> InterfacePattern {
        let stemBytes = Array(range.start.prefix { $0 != 0 })
        let candidates = [false, true].compactMap { wildcard -> InterfacePattern? in
            guard let stem = String(validating: stemBytes, as: UTF8.self),
                  let pattern = try? InterfacePattern(stem: stem, isWildcard: wildcard) else { return nil }
            let encoded = interfaceRange(pattern)
            return encoded.start == range.start && encoded.end == range.end ? pattern : nil
        }
        guard let pattern = candidates.first else {
            throw DelinearizeError(expression: nil, reason: "interface set holds a range \(KernelSetElement(key: range.start))…\(range.end.map { KernelSetElement(key: $0).description } ?? "end") that is neither a name nor a name* wildcard")
        }
        return pattern
    }

    /// The next key in big-endian order; nil when the key is all ones.
    static func increment(_ bytes: [UInt8]) -> [UInt8]? {
        var result = bytes
        for index in result.indices.reversed() {
            if result[index] == 0xff {
                result[index] = 0
            } else {
                result[index] += 1
                return result
            }
        }
        return nil
    }
}
