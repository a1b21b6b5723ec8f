import Testing
@testable import SpoofGuard

/// Interval sets are checked against a brute-force model on a small corner of the space
/// (addresses 0..<256), and on the edges of the full space where overflow lurks.
@Suite struct IntervalSetTests {
    private func randomSet(_ random: inout SeededGenerator) -> (IPv4Set, Set<UInt32>) {
        var ranges: [ClosedRange<UInt32>] = []
        var members = Set<UInt32>()
        for _ in 0..<Int.random(in: 0...6, using: &random) {
            let low = UInt32.random(in: 0..<256, using: &random)
            let high = min(255, low + UInt32.random(in: 0..<40, using: &random))
            ranges.append(low...high)
            members.formUnion(low...high)
        }
        return (IPv4Set(ranges: ranges), members)
    }

    private func members(_ set: IPv4Set) -> Set<UInt32> {
        Set(set.ranges.flatMap { Array($0) })
    }

    private func checkInvariant(_ set: IPv4Set) {
        for (a, b) in zip(set.ranges, set.ranges.dropFirst()) {
            #expect(a.upperBound + 1 < b.lowerBound, "ranges \(a) and \(b) should have been merged")
        }
    }

    @Test func setAlgebraMatchesBruteForce() {
        var random = SeededGenerator(seed: 42)
        let universe = IPv4Set(ranges: [0...255])
        for _ in 0..<2000 {
            let (a, modelA) = randomSet(&random)
            let (b, modelB) = randomSet(&random)
            checkInvariant(a)
            #expect(members(a) == modelA)
            #expect(members(a.union(b)) == modelA.union(modelB))
            #expect(members(a.intersection(b)) == modelA.intersection(modelB))
            #expect(members(a.subtracting(b)) == modelA.subtracting(modelB))
            #expect(members(a.complement.intersection(universe)) == Set(0..<256).subtracting(modelA))
            #expect(a.isSubset(of: b) == modelA.isSubset(of: modelB))
            for probe in UInt32(0)..<256 where probe % 7 == 0 {
                #expect(a.contains(IPv4Address(bits: probe)) == modelA.contains(probe))
            }
            #expect(a.count == AddressCount(UInt128(modelA.count)))
            // The prefix decomposition covers exactly the set, with aligned blocks only.
            #expect(IPv4Set(a.prefixes) == a)
        }
    }

    /// Sets of very different sizes make intersection and subtraction gallop over long runs;
    /// results must still match the brute-force model and keep the invariant.
    @Test func skewedSizesMatchBruteForce() {
        var random = SeededGenerator(seed: 7_331)
        func randomSet(maximumRanges: Int) -> (IPv4Set, Set<UInt32>) {
            var ranges: [ClosedRange<UInt32>] = []
            var members = Set<UInt32>()
            for _ in 0..<Int.random(in: 0...maximumRanges, using: &random) {
                let low = UInt32.random(in: 0..<2048, using: &random)
                let high = min(2047, low + UInt32.random(in: 0..<6, using: &random))
                ranges.append(low...high)
                members.formUnion(low...high)
            }
            return (IPv4Set(ranges: ranges), members)
        }
        for round in 0..<600 {
            let (a, modelA) = randomSet(maximumRanges: round % 3 == 0 ? 4 : 300)
            let (b, modelB) = randomSet(maximumRanges: round % 3 == 1 ? 4 : 300)
            for result in [a.intersection(b), b.intersection(a), a.subtracting(b), b.subtracting(a)] { checkInvariant(result) }
            #expect(members(a.intersection(b)) == modelA.intersection(modelB))
            #expect(members(b.intersection(a)) == modelA.intersection(modelB))
            #expect(members(a.subtracting(b)) == modelA.subtracting(modelB))
            #expect(members(b.subtracting(a)) == modelB.subtracting(modelA))
            #expect(a.intersection(a) == a && a.subtracting(a).isEmpty)
            #expect(a.intersection(.all) == a && IPv4Set.all.intersection(a) == a && a.subtracting(.all).isEmpty)
            #expect(a.subtracting(.empty) == a && a.intersection(.empty).isEmpty)
            #expect(IPv4Set.all.subtracting(a) == a.complement)
        }
    }

    @Test func subtractionAtTheTopOfTheSpace() {
        let top = IPv4Set(ranges: [(UInt32.max - 9)...UInt32.max])
        #expect(top.subtracting(IPv4Set(ranges: [(UInt32.max - 3)...(UInt32.max - 2)])).ranges
                == [(UInt32.max - 9)...(UInt32.max - 4), (UInt32.max - 1)...UInt32.max])
        #expect(top.subtracting(IPv4Set(ranges: [(UInt32.max - 3)...UInt32.max])).ranges == [(UInt32.max - 9)...(UInt32.max - 4)])
        #expect(IPv6Set.all.subtracting(IPv6Set(ranges: [0...0, UInt128.max...UInt128.max])).ranges == [1...(UInt128.max - 1)])
    }

    @Test func edgesOfTheSpaceDoNotOverflow() {
        let top = IPv6Set(ranges: [(UInt128.max - 5)...UInt128.max, 0...3])
        #expect(top.complement.ranges == [4...(UInt128.max - 6)])
        #expect(IPv6Set.all.complement.isEmpty)
        #expect(IPv6Set.empty.complement == .all)
        #expect(IPv6Set.all.count.description == "2^128")
        #expect(IPv4Set.all.count.description == "2^32")
        #expect(IPv4Set.all.prefixes.map(\.description) == ["0.0.0.0/0"])
        #expect(IPv6Set(ranges: [UInt128.max...UInt128.max, (UInt128.max - 1)...(UInt128.max - 1)]).ranges.count == 1)
    }

    @Test func mergesOverlappingAndAdjacentPrefixes() throws {
        let set = IPv6Set(try ["::ffff:127.0.0.0/104", "::ffff:127.0.0.0/105", "::ffff:128.0.0.0/104", "::1"]
            .map { try IPv6Prefix(parsing: $0) })
        #expect(set.description == "{::1, ::ffff:127.0.0.0-::ffff:128.255.255.255}")
        #expect(set.prefixes.map(\.description) == ["::1/128", "::ffff:127.0.0.0/104", "::ffff:128.0.0.0/104"])
    }
}
