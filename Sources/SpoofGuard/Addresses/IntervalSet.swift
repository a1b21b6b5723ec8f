/// A set of addresses of one family kept as sorted, disjoint, non-adjacent closed ranges.
/// It is the shape of an nftables interval set, and the verifier's unit of reasoning:
/// operations are exact over the whole 2^32 or 2^128 space, never sampled.
public struct IntervalSet<Address: IPAddressProtocol>: Hashable, Sendable, CustomStringConvertible {
    public typealias Bits = Address.Bits
    /// Invariant: sorted by lower bound; for consecutive a, b: a.upperBound + 1 < b.lowerBound.
    public private(set) var ranges: [ClosedRange<Bits>]

    public init() { ranges = [] }

    public static var empty: Self { Self() }
    public static var all: Self { Self(ranges: [0...Bits.max]) }

    public init(_ prefixes: some Sequence<Prefix<Address>>) {
        self.init(ranges: prefixes.map(\.range))
    }

    /// Builds from ranges in any order, merging overlapping and adjacent ones.
    public init(ranges unsorted: some Sequence<ClosedRange<Bits>>) {
        let sorted = unsorted.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<Bits>] = []
        merged.reserveCapacity(sorted.count)
        for range in sorted {
            if let last = merged.last, last.upperBound == .max || range.lowerBound <= last.upperBound + 1 {
                if range.upperBound > last.upperBound {
                    merged[merged.count - 1] = last.lowerBound...range.upperBound
                }
            } else {
                merged.append(range)
            }
        }
        ranges = merged
    }

    public var isEmpty: Bool { ranges.isEmpty }

    public func contains(_ address: Address) -> Bool { index(containing: address.bits) != nil }

    /// Binary search: the index of the range holding `bits`, if any.
    public func index(containing bits: Bits) -> Int? {
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < bits {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low < ranges.count && ranges[low].contains(bits) ? low : nil
    }

    public mutating func insert(_ prefix: Prefix<Address>) { formUnion(Self(ranges: [prefix.range])) }
    public mutating func insert(_ range: ClosedRange<Bits>) { formUnion(Self(ranges: [range])) }

    public func union(_ other: Self) -> Self { Self(ranges: ranges + other.ranges) }
    public mutating func formUnion(_ other: Self) { self = union(other) }

    /// Everything in the address space that is not in this set.
    public var complement: Self {
        var gaps: [ClosedRange<Bits>] = []
        var next: Bits? = 0   // first address not yet covered; nil once the top is reached
        for range in ranges {
            if let start = next, range.lowerBound > start { gaps.append(start...(range.lowerBound - 1)) }
            next = range.upperBound == .max ? nil : range.upperBound + 1
        }
        if let start = next { gaps.append(start...Bits.max) }
        var result = Self()
        result.ranges = gaps
        return result
    }

    /// Merge of the two range lists. Runs of ranges that cannot meet the other side are
    /// skipped by galloping search, so intersecting a 100 k-range set with a handful of ranges
    /// costs a few binary searches, not a walk over all of it.
    public func intersection(_ other: Self) -> Self {
        if ranges.isEmpty || other.ranges.isEmpty { return .empty }
        if Self.isAll(other.ranges) || ranges == other.ranges { return self }
        if Self.isAll(ranges) { return other }
        var result: [ClosedRange<Bits>] = []
        var i = 0
        var j = 0
        while true {
            i = Self.firstIndex(in: ranges, endingAtOrAfter: other.ranges[j].lowerBound, from: i)
            if i == ranges.count { break }
            j = Self.firstIndex(in: other.ranges, endingAtOrAfter: ranges[i].lowerBound, from: j)
            if j == other.ranges.count { break }
            let a = ranges[i]
            let b = other.ranges[j]
            let low = Swift.max(a.lowerBound, b.lowerBound)
            let high = Swift.min(a.upperBound, b.upperBound)
            if low <= high { result.append(low...high) }
            if a.upperBound < b.upperBound {
                i += 1
                if i == ranges.count { break }
            } else {
                j += 1
                if j == other.ranges.count { break }
            }
        }
        var set = Self()
        set.ranges = result
        return set
    }

    /// Cuts `other`'s ranges out of this set's directly (no complement is built). Runs of
    /// ranges that no cut touches are copied in one block.
    public func subtracting(_ other: Self) -> Self {
        if ranges.isEmpty || other.ranges.isEmpty { return self }
        if Self.isAll(other.ranges) || ranges == other.ranges { return .empty }
        var result: [ClosedRange<Bits>] = []
        result.reserveCapacity(ranges.count + Swift.min(ranges.count, other.ranges.count))   // a hint: cuts may split more
        var i = 0
        var j = 0
        while i < ranges.count {
            j = Self.firstIndex(in: other.ranges, endingAtOrAfter: ranges[i].lowerBound, from: j)
            if j == other.ranges.count {
                result.append(contentsOf: ranges[i...])
                break
            }
            // Ranges ending before the next cut starts are untouched.
            let touched = Self.firstIndex(in: ranges, endingAtOrAfter: other.ranges[j].lowerBound, from: i)
            if touched > i {
                result.append(contentsOf: ranges[i..<touched])
                i = touched
                continue
            }
            let range = ranges[i]
            var low = range.lowerBound   // start of what is left of `range`
            var consumed = false
            while j < other.ranges.count, other.ranges[j].lowerBound <= range.upperBound {
                let cut = other.ranges[j]
                if cut.lowerBound > low { result.append(low...(cut.lowerBound - 1)) }
                if cut.upperBound >= range.upperBound {
                    consumed = true   // `cut` may reach into the next range: keep j
                    break
                }
                low = cut.upperBound + 1
                j += 1
            }
            if !consumed { result.append(low...range.upperBound) }
            i += 1
        }
        var set = Self()
        set.ranges = result
        return set
    }

    private static func isAll(_ ranges: [ClosedRange<Bits>]) -> Bool {
        ranges.count == 1 && ranges[0].lowerBound == 0 && ranges[0].upperBound == .max
    }

    /// The first index at or after `start` whose range ends at or after `bits` (or `count`):
    /// exponential steps, then a binary search, so a long skip costs its logarithm.
    private static func firstIndex(in ranges: [ClosedRange<Bits>], endingAtOrAfter bits: Bits, from start: Int) -> Int {
        guard start < ranges.count, ranges[start].upperBound < bits else { return start }
        var below = start   // ranges[below] ends before `bits`
        var step = 1
        var above = start + 1
        while above < ranges.count, ranges[above].upperBound < bits {
            below = above
            step *= 2
            above = start + step
        }
        above = Swift.min(above, ranges.count)
        // The answer lies in below+1 ... above.
        var low = below + 1
        var high = above
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < bits { low = middle + 1 } else { high = middle }
        }
        return low
    }

    public func isSubset(of other: Self) -> Bool { subtracting(other).isEmpty }

    public var first: Address? { ranges.first.map { Address(bits: $0.lowerBound) } }

    /// The number of addresses in the set; `AddressCount` also represents the full 2^128.
    public var count: AddressCount {
        var total = AddressCount.zero
        for range in ranges { total.add(rangeSize: UInt128(range.upperBound - range.lowerBound)) }
        return total
    }

    /// The ranges as prefixes where a range is exactly one, else as `first-last`, as nft lists them.
    public var description: String {
        "{" + ranges.map { Self.describe($0) }.joined(separator: ", ") + "}"
    }

    public static func describe(_ range: ClosedRange<Bits>) -> String {
        if let prefix = Prefix<Address>(exactly: range) {
            return prefix.length == Address.bitWidth ? prefix.network.description : prefix.description
        }
        return "\(Address(bits: range.lowerBound))-\(Address(bits: range.upperBound))"
    }

    /// The smallest list of prefixes covering exactly this set.
    public var prefixes: [Prefix<Address>] {
        var result: [Prefix<Address>] = []
        for range in ranges {
            var start = range.lowerBound
            while true {
                // Largest aligned block starting at `start` that stays inside the range.
                var hostBits = start == 0 ? Address.bitWidth : start.trailingZeroBitCount
                while hostBits > 0 {
                    let size: Bits = hostBits == Address.bitWidth ? .max : (1 << Bits(hostBits)) - 1
                    if start &+ size >= start, start + size <= range.upperBound { break }
                    hostBits -= 1
                }
                let last = hostBits == Address.bitWidth ? Bits.max : start + ((1 << Bits(hostBits)) - 1)
                result.append(Prefix(network: Address(bits: start), length: Address.bitWidth - hostBits)!)
                if last >= range.upperBound { break }
                start = last + 1
            }
        }
        return result
    }
}

/// A count of addresses that can reach 2^128 (the whole IPv6 space) without overflowing.
public struct AddressCount: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The count minus one is not used: `value` holds the count unless `isFullIPv6Space`.
    public private(set) var value: UInt128
    public private(set) var isFullIPv6Space: Bool

    public static let zero = AddressCount(value: 0, isFullIPv6Space: false)

    public init(_ value: UInt128) {
        self.value = value
        isFullIPv6Space = false
    }

    private init(value: UInt128, isFullIPv6Space: Bool) {
        self.value = value
        self.isFullIPv6Space = isFullIPv6Space
    }

    /// Adds a range of `rangeSize + 1` addresses.
    mutating func add(rangeSize: UInt128) {
        let (plusOne, overflowOne) = rangeSize.addingReportingOverflow(1)
        let (sum, overflowSum) = value.addingReportingOverflow(plusOne)
        if overflowOne || overflowSum || isFullIPv6Space {
            self = AddressCount(value: 0, isFullIPv6Space: true)
        } else {
            value = sum
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        if lhs.isFullIPv6Space != rhs.isFullIPv6Space { return rhs.isFullIPv6Space }
        return lhs.value < rhs.value
    }

    public var description: String {
        if isFullIPv6Space { return "2^128" }
        // Powers of two read better than 39-digit numbers.
        if value > 1 << 20, value.nonzeroBitCount == 1 { return "2^\(value.trailingZeroBitCount)" }
        return String(value)
    }
}

public typealias IPv4Set = IntervalSet<IPv4Address>
public typealias IPv6Set = IntervalSet<IPv6Address>
