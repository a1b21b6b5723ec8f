import Testing
@testable import SpoofGuard

/// Long lists grow to a capacity projected from their first elements; whatever the projection
/// (too high, too low, cut by the value limit), the elements, positions and errors are the
/// same as element-by-element growth gives.
@Suite struct StrictJSONLongListTests {
    func elements(of value: StrictJSON.Value) -> [StrictJSON.Value] {
        guard case .array(let elements) = value.kind else { return [] }
        return elements
    }

    /// Elements that get longer as the list goes on: the early projection falls short.
    @Test func listOfGrowingElements() throws {
        let texts = (0..<20_000).map { index in String(repeating: "x", count: 1 + index / 1_000) }
        let document = "[" + texts.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        let parsed = elements(of: try StrictJSON.parse(Array(document.utf8)))
        #expect(parsed.map(\.kind) == texts.map { .string($0) })
        var column = 2
        for (index, element) in parsed.enumerated() {
            #expect(element.position == .init(line: 1, column: column), "element \(index)")
            column += texts[index].count + 3
        }
    }

    /// A long list of short numbers followed by far more text elsewhere: the projection
    /// overshoots, and nested long lists each project on their own.
    @Test func listFollowedByMuchMore() throws {
        let numbers = (0..<10_000).map(String.init)
        let inner = "[" + numbers.joined(separator: ",") + "]"
        let document = #"{"a": [\#(inner), \#(inner)], "b": "\#(String(repeating: "y", count: 400_000))"}"#
        guard case .object(let members) = try StrictJSON.parse(Array(document.utf8)).kind else {
            Issue.record("not an object")
            return
        }
        let lists = elements(of: members[0].value)
        #expect(lists.count == 2)
        for list in lists { #expect(elements(of: list).map(\.kind) == numbers.map { .number($0) }) }
        #expect(members[1].value.kind == .string(String(repeating: "y", count: 400_000)))
    }

    @Test func errorsInLongListsAreUnchanged() {
        let many = "[" + Array(repeating: "1", count: 9_000).joined(separator: ",")
        #expect(throws: StrictJSON.SyntaxError(position: .init(line: 1, column: 18_002), message: "trailing comma before \"]\"; JSON does not allow one", byteOffset: 18_001)) {
            try StrictJSON.parse(Array((many + ",]").utf8))
        }
        #expect(throws: StrictJSON.SyntaxError(position: .init(line: 1, column: 18_001), message: "the input ends inside the list", byteOffset: 18_000)) {
            try StrictJSON.parse(Array(many.utf8))
        }
        let limit = StrictJSON.Limits(maximumValues: 6_000)
        #expect(throws: StrictJSON.SyntaxError(position: .init(line: 1, column: 12_000), message: "the document holds more than 6000 values, far more than any policy needs", byteOffset: 11_999)) {
            try StrictJSON.parse(Array((many + "]").utf8), limits: limit)
        }
    }
}
