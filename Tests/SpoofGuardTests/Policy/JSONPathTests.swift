import Testing
@testable import SpoofGuard

@Suite struct JSONPathTests {
    /// `index` writes its digits by hand; it must read as the interpolated form would.
    @Test func indexMatchesInterpolation() {
        var generator = SeededGenerator(seed: 42)
        let bases = [JSONPath.root, JSONPath.root.key("guard").key("source"), JSONPath.root.key("odd key").key("é")]
        var indices = [0, 1, 9, 10, 99, 100, 12_345, 99_999, 100_000, Int.max]
        indices += (0..<1_000).map { _ in Int.random(in: 0...1_000_000_000, using: &generator) }
        for base in bases {
            for index in indices {
                #expect(base.index(index).description == base.description + "[\(index)]")
            }
        }
    }
}
