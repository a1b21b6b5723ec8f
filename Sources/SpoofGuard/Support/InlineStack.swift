/// Up to `capacity` values, in order, stored inline: a fixed-size value with no heap buffer,
/// so that a type holding one copies as plain bytes. The link encapsulation keeps its VLAN tags
/// in one because it rides in every packet through the evaluator, where an array costs a
/// retain and a release per copy (the data-plane figure doubled when the tags were an array).
public struct InlineStack<let capacity: Int, Element: Hashable & Sendable & BitwiseCopyable>:
    RandomAccessCollection, MutableCollection, Hashable, Sendable, BitwiseCopyable, ExpressibleByArrayLiteral {
    private var slots = InlineArray<capacity, Element?>(repeating: nil)
    private var stored = 0

    public init() {}

    /// At most `capacity` elements.
    public init(arrayLiteral elements: Element...) {
        for element in elements { append(element) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { stored }

    public subscript(position: Int) -> Element {
        get {
            precondition(position >= 0 && position < stored, "index out of range")
            return slots[position]!
        }
        set {
            precondition(position >= 0 && position < stored, "index out of range")
            slots[position] = newValue
        }
    }

    /// `capacity`, for callers that name the limit in messages.
    public static var maximumCount: Int { capacity }

    public var isFull: Bool { stored == capacity }

    /// Adds an element at the end; there must be room (callers check `isFull` first and
    /// report input with more as bad).
    public mutating func append(_ element: Element) {
        precondition(!isFull, "more than \(capacity) elements")
        slots[stored] = element
        stored += 1
    }

    public static func == (a: Self, b: Self) -> Bool { a.elementsEqual(b) }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(stored)
        for element in self { hasher.combine(element) }
    }
}
