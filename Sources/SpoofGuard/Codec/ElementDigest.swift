/// A fingerprint of a set's elements exactly as spoofguard sends them (`SetElementEncoding`),
/// stored in the set's user data. Dumping a large interval set is quadratic in the kernel (it
/// restarts its walk for every 32 KiB of reply), so `apply` compares this fingerprint instead,
/// where the kernel guarantees the elements cannot have changed since the set was created
/// (see `NetfilterKernel` and Docs/hardening.md).
///
/// FNV-1a over 128 bits: a change detector, not a defence against someone who forges user data
/// (anyone who can do that holds CAP_NET_ADMIN and can replace the table outright). Any single
/// differing byte always changes it; other differences collide with probability about 2⁻¹²⁸.
public enum ElementDigest {
    /// Bumped whenever the encoding or the hashed stream changes: an old digest then reads as
    /// "different" and the set is replaced, never wrongly "unchanged".
    public static let version: UInt8 = 1
    /// Stored form: version byte, then the 16 digest bytes (little endian).
    public static let storedLength = 17

    public static func of(_ elements: [KernelSetElement], key: SetKey, flags: SetFlags) -> [UInt8] {
        digest(count: elements.count, key: key, flags: flags) { hash in
            for element in elements {
                element.key.withUnsafeBytes { hash.add(element: $0, isIntervalEnd: element.isIntervalEnd) }
            }
        }
    }

    /// The same digest of packed elements.
    public static func of(_ elements: PackedSetElements, key: SetKey, flags: SetFlags) -> [UInt8] {
        digest(count: elements.count, key: key, flags: flags) { hash in
            elements.forEach { hash.add(element: $0, isIntervalEnd: $1) }
        }
    }

    private static func digest(count: Int, key: SetKey, flags: SetFlags, elements: (inout Hasher128) -> Void) -> [UInt8] {
        var hash = Hasher128()
        hash.add(version)
        hash.add(key.typeID)
        hash.add(flags.rawValue)
        hash.add(UInt32(truncatingIfNeeded: count))
        elements(&hash)
        return [version] + withUnsafeBytes(of: hash.state.littleEndian) { Array($0) }
    }

    struct Hasher128 {
        static let prime: UInt128 = (1 << 88) + (1 << 8) + 0x3b
        var state: UInt128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d

        mutating func add(_ byte: UInt8) {
            state = (state ^ UInt128(byte)) &* Self.prime
        }

        mutating func add(_ value: UInt32) {
            for shift in stride(from: 0, to: 32, by: 8) { add(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
        }

        /// An element: its key's length, its key, and whether it ends a range.
        mutating func add(element key: UnsafeRawBufferPointer, isIntervalEnd: Bool) {
            add(UInt8(truncatingIfNeeded: key.count))
            for byte in key { add(byte) }
            add(UInt8(isIntervalEnd ? 1 : 0))
        }
    }
}
