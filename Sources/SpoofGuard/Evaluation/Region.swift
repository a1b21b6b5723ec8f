/// A set of (source, destination) address pairs of one family, kept as a list of disjoint
/// boxes (source set × destination set). Compiled rules are conjunctions of matches on one
/// field each, so what a rule matches is one box, and first-match chain semantics only ever
/// intersect and subtract boxes: the verifier's reasoning is exact over all 2^64 or 2^256
/// pairs, with no sampling.
struct Region<Address: IPAddressProtocol>: Sendable {
    typealias Set = IntervalSet<Address>

    struct Box: Hashable, Sendable {
        var source: Set
        var destination: Set
        var isEmpty: Bool { source.isEmpty || destination.isEmpty }
    }

    /// Invariant: pairwise disjoint, none empty.
    private(set) var boxes: [Box]

    init() { boxes = [] }
    init(_ box: Box) { boxes = box.isEmpty ? [] : [box] }
    init(source: Set, destination: Set) { self.init(Box(source: source, destination: destination)) }

    static var empty: Self { Self() }
    static var all: Self { Self(source: .all, destination: .all) }

    var isEmpty: Bool { boxes.isEmpty }

    func intersection(_ box: Box) -> Self {
        var result = Self()
        for mine in boxes {
            result.appendDisjoint(Box(source: mine.source.intersection(box.source),
                                      destination: mine.destination.intersection(box.destination)))
        }
        return result
    }

    func subtracting(_ box: Box) -> Self {
        var result = Self()
        for mine in boxes {
            // mine − box = (mine.s − box.s) × mine.d  ∪  (mine.s ∩ box.s) × (mine.d − box.d)
            result.appendDisjoint(Box(source: mine.source.subtracting(box.source), destination: mine.destination))
            result.appendDisjoint(Box(source: mine.source.intersection(box.source),
                                      destination: mine.destination.subtracting(box.destination)))
        }
        return result
    }

    func subtracting(_ other: Self) -> Self {
        other.boxes.reduce(self) { $0.subtracting($1) }
    }

    func intersection(_ other: Self) -> Self {
        var result = Self()
        for box in other.boxes { result.boxes += intersection(box).boxes }
        return result
    }

    func union(_ other: Self) -> Self {
        var result = self
        result.boxes += other.subtracting(self).boxes
        return result
    }

    func isSubset(of other: Self) -> Bool { subtracting(other).isEmpty }

    func contains(source: Address, destination: Address) -> Bool {
        boxes.contains { $0.source.contains(source) && $0.destination.contains(destination) }
    }

    private mutating func appendDisjoint(_ box: Box) {
        if !box.isEmpty { boxes.append(box) }
    }

    /// One concrete pair in the region, preferring addresses that read well in a report
    /// (127.0.0.1 over 127.0.0.0); nil when empty.
    var example: (source: Address, destination: Address)? {
        guard let box = boxes.first else { return nil }
        return (Self.representative(of: box.source), Self.representative(of: box.destination))
    }

    /// How many sources and destinations the region spans (exact for a single box).
    var sourceCount: AddressCount { boxes.reduce(Set.empty) { $0.union($1.source) }.count }
    var destinationCount: AddressCount { boxes.reduce(Set.empty) { $0.union($1.destination) }.count }

    static func representative(of set: Set) -> Address {
        for text in Address.family == .ipv4 ? ["127.0.0.1", "192.0.2.1", "10.0.0.1"] : ["::1", "2001:db8::1", "::ffff:127.0.0.1"] {
            if let address = try? Address(parsing: text), set.contains(address) { return address }
        }
        let range = set.ranges[0]
        // Avoid the all-zero network address of a range when the range has more.
        return Address(bits: range.lowerBound < range.upperBound && range.lowerBound & 0xff == 0 ? range.lowerBound + 1 : range.lowerBound)
    }
}
