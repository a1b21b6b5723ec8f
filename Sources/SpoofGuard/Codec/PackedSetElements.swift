/// A set's kernel elements in two buffers: the keys back to back (all `keyLength` bytes long)
/// and, per element, whether it ends a range. The same elements as `[KernelSetElement]` in
/// the same order, without two heap arrays per element: 100 k prefixes are 200 k elements,
/// and `apply` encodes, digests and sends them all.
public struct PackedSetElements: Hashable, Sendable {
    public let keyLength: Int
    /// `count × keyLength` bytes.
    public private(set) var keys: [UInt8] = []
    public private(set) var intervalEnds: [Bool] = []

    public init(keyLength: Int, capacity: Int = 0) {
        self.keyLength = keyLength
        keys.reserveCapacity(capacity * keyLength)
        intervalEnds.reserveCapacity(capacity)
    }

    /// Packs `elements`, whose keys must all be `keyLength` bytes long.
    public init(_ elements: [KernelSetElement], keyLength: Int) {
        self.init(keyLength: keyLength, capacity: elements.count)
        for element in elements { append(element.key, isIntervalEnd: element.isIntervalEnd) }
    }

    public var count: Int { intervalEnds.count }
    public var isEmpty: Bool { intervalEnds.isEmpty }

    public mutating func append(_ key: some Collection<UInt8>, isIntervalEnd: Bool) {
        precondition(key.count == keyLength, "a \(key.count)-byte key in a set of \(keyLength)-byte keys")
        keys.append(contentsOf: key)
        intervalEnds.append(isIntervalEnd)
    }

    /// Appends `bits` as a big-endian key (addresses are keyed in network byte order).
    mutating func append<Bits: FixedWidthInteger>(bigEndian bits: Bits, isIntervalEnd: Bool) {
        precondition(MemoryLayout<Bits>.size == keyLength, "a \(MemoryLayout<Bits>.size)-byte key in a set of \(keyLength)-byte keys")
        withUnsafeBytes(of: bits.bigEndian) { keys.append(contentsOf: $0) }
        intervalEnds.append(isIntervalEnd)
    }

    public subscript(index: Int) -> KernelSetElement {
        let start = index * keyLength
        return KernelSetElement(key: Array(keys[start..<start + keyLength]), isIntervalEnd: intervalEnds[index])
    }

    /// One `KernelSetElement` per element.
    public var elements: [KernelSetElement] { (0..<count).map { self[$0] } }

    /// Calls `body` with each element's key bytes (valid only during the call) and end flag, in order.
    public func forEach(_ body: (UnsafeRawBufferPointer, Bool) throws -> Void) rethrows {
        try keys.withUnsafeBytes { all in
            for index in 0..<count {
                try body(UnsafeRawBufferPointer(rebasing: all[index * keyLength..<(index + 1) * keyLength]), intervalEnds[index])
            }
        }
    }
}
